/**
 * @aivillage/models: reading and writing ONNX models, reference models, inference sessions
 * with request validation, dynamic batching and a memory-bounded session cache.
 */
export * from './model-errors.js';
export * from './tensor-dtype.js';
export * from './onnx-file.js';
export * from './onnx-builder.js';
export * from './seeded-prng.js';
export * from './reference-models.js';
export * from './tensor-json.js';
export * from './inference-session.js';
export * from './batcher.js';
export * from './session-cache.js';
export * from './artifact-store.js';
export * from './model-registry.service.js';
