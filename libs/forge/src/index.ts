/**
 * @aivillage/forge: the Agent Forge training pipeline. This entry is the API side (run
 * configuration, starting, cancelling, retrying, reading runs and metric series);
 * `@aivillage/forge/worker` runs phases and loads the training math and onnxruntime.
 */
export * from './phases.js';
export * from './run-config.js';
export * from './training-run.service.js';
