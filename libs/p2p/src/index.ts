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
