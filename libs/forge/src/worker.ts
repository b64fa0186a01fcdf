/**
 * @aivillage/forge/worker: what runs phases on a worker — the PhaseRunner, the command
 * executor and the built-in executors (the training math, onnxruntime).
 */
export * from './executor.js';
export * from './metric-sink.js';
export * from './phase-runner.service.js';
export * from './executors/command.executor.js';
export * from './executors/builtin-executors.js';
