/**
 * @aivillage/fog — fog computing: a WASI sandbox for fog jobs, tiered scheduling, the guide's
 * cost model and node status (pure, database-free), plus the Postgres-backed services the
 * API and workers use (nodes, jobs, the scheduling pass, cost). The agent is
 * `@aivillage/fog/agent`. See README.md.
 */
export * from './tiers.js';
export { RESOURCE_KEYS, formatAmount, formatResources, type ResourceKey, type Resources } from './resources.js';
export * from './node-status.js';
export * from './fog-node.js';
export * from './admission.js';
export * from './scheduler.js';
export * from './cost.js';
export * from './wasm-limits.js';
export {
  DEFAULT_WASI_LIMITS, decodeOutput, runWasi, type SandboxFailureCode, type StdStream, type WasiOutcome, type WasiRunOptions, type WasiRunResult, type WasiTimings,
} from './wasi-sandbox.js';
export * from './wasi-pool.js';
export { CompiledModuleCache, compileGuest, sha256Hex, type CompiledGuest } from './wasm-compile.js';
export * from './command-template.js';
export * from './fog-wake.js';
export * from './fog-node.service.js';
export * from './fog-job.service.js';
export * from './fog-scheduler.service.js';
export * from './fog-cost.service.js';
export * from './fog-template.service.js';
