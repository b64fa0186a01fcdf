/** The P2P mesh simulator's jobs: thin over MeshSimulationRunner (libs/p2p/worker). */
import type { JobHandlers } from '../processor.js';

export const p2pHandlers: JobHandlers<'p2p'> = {
  'generate-topology': (payload, _job, ctx) => ctx.mesh().generate(payload.topologyId),
  'simulate-propagation': (payload, _job, ctx) => ctx.mesh().simulate(payload.simulationId),
};
