/**
 * @aivillage/training: the arithmetic of the Agent Forge pipeline on small models. Datasets,
 * MLP training (Adam/SGD, L2, quantisation-aware), resumable checkpoints, ONNX export in
 * float32 / int8 / ternary (2-bit) form, evaluation through onnxruntime, model merging
 * (linear, SLERP, TIES) with an evolutionary search over merges, and architecture search.
 * Pure library: no queues, database or I/O beyond reading the dataset file.
 */
export * from './dataset.js';
export * from './mlp.js';
export * from './optimizer.js';
export * from './quantize.js';
export * from './checkpoint.js';
export * from './trainer.js';
export * from './evaluate.js';
export * from './onnx-export.js';
export * from './model-size.js';
export * from './merge.js';
export * from './evolve.js';
export * from './adas.js';
export * from './reference-flow.js';
