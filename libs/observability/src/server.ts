/**
 * The server-side half of observability (Prisma, prom-client, child processes): the sampler
 * and the store, sloReport, detection and alerts, the worker gauges. Kept off the package
 * root so browser code can import the pure helpers without pulling these in.
 */
export * from './samples.sampler.js';
export * from './samples.store.js';
export * from './slo.service.js';
export * from './detect.service.js';
export * from './alerts.service.js';
export * from './worker-gauges.js';
export * from './profiling.capture.js';
export * from './profiling.agent.js';
export * from './profiling.service.js';
