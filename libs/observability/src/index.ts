export * from './capacity.js';
export * from './promql.js';
export * from './samples.js';
export * from './slo.js';
export * from './detect.js';
export * from './profiling.js';
export * from './rollup.js';
