/**
 * @aivillage/models/runtime: what runs models (loads onnxruntime-node's native binding).
 * Inference workers import this; the API does not.
 */
export * from './inference-session.js';
export * from './batcher.js';
export * from './session-cache.js';
export * from './inference-worker.service.js';
