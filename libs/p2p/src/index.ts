export * from './transports.js';
export { createPrng, type Prng } from '@aivillage/models/prng';
export {
  MAX_NODES, MAX_TTL, indexGraph, bfsHops,
  type Peer, type Link, type LinkTransport, type P2PGraph, type GraphIndex,
} from './graph.js';
export * from './route.js';
export * from './topology.js';
export * from './propagation.js';
export * from './scenario.js';
export * from './identity.js';
export * from './messages.js';
export * from './rates.js';
export * from './peer-graph.js';
export * from './peer-telemetry.service.js';
export * from './peer-registry.service.js';
export * from './mesh-simulation.service.js';
