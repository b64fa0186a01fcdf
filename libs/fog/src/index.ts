/**
 * @aivillage/fog — the database-free core of fog computing: a WASI sandbox for fog jobs,
 * tiered scheduling, the guide's cost model and node status. See README.md.
 */
export * from './tiers.js';
export { RESOURCE_KEYS, formatAmount, formatResources, type ResourceKey, type Resources } from './resources.js';
export * from './node-status.js';
export * from './fog-node.js';
export * from './admission.js';
export * from './scheduler.js';
export * from './cost.js';
export * from './wasm-limits.js';
export * from './wasi-sandbox.js';
