export * from './keys.js';
export * from './metrics-rollup.service.js';
export * from './platform-status.service.js';
export * from './process-sampler.js';
export * from './system-metrics.js';
export * from './system-metrics.service.js';
export * from './worker-heartbeat.service.js';
export * from './inference-metrics.js';
