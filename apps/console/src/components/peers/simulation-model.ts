/** Generated meshes and propagation runs as the page reads them, and how their worker jobs are followed. */
import type { PropagationSimulationsQuery, SimulationStatus, TopologyFieldsFragment } from '@/gql/graphql';

export type Topology = TopologyFieldsFragment;
export type Simulation = PropagationSimulationsQuery['propagationSimulations'][number];

/** Generated meshes keep a drawable graph up to this size (MeshTopology.graph). */
export const DRAWABLE_MAX_PEERS = 2000;

/** How often lists with a queued or running row are re-read (jobs run on a worker). */
export const POLL_MS = 1000;

export const isPending = (status: SimulationStatus) => status === 'QUEUED' || status === 'RUNNING';
