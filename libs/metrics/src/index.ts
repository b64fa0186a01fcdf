export * from './latency-window.js';
export * from './registry.js';
