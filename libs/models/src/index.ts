/**
 * @aivillage/models: reading and writing ONNX models, reference models, the registry, and the
 * API side of inference (resolving targets, validating requests, sending them to workers).
 * Nothing here loads onnxruntime; the runtime (sessions, batching, the session cache and the
 * worker service) is `@aivillage/models/runtime`, imported by inference workers only.
 */
export * from './model-errors.js';
export * from './tensor-dtype.js';
export * from './onnx-file.js';
export * from './onnx-builder.js';
export * from './seeded-prng.js';
export * from './reference-models.js';
export * from './tensor-json.js';
export * from './artifact-store.js';
export * from './model-registry.service.js';
export * from './inference-protocol.js';
export * from './inference-client.js';
export * from './inference-targets.js';
