/** Maps registry rows to their GraphQL shapes (bigints as numbers, dims as strings). */
import type { ModelVersion } from '@aivillage/db';
import type { ModelWithNamespace, TensorSpec as Spec } from '@aivillage/models';
import type { ModelType, ModelVersionType, TensorSpec } from './model.type.js';

export function toModel(m: ModelWithNamespace): ModelType {
  return {
    id: m.id, namespace: m.namespace.name, name: m.name, task: m.task, description: m.description,
    tags: m.tags, createdAt: m.createdAt, updatedAt: m.updatedAt,
  };
}

export function toModelVersion(v: ModelVersion): ModelVersionType {
  return {
    id: v.id, modelId: v.modelId, version: v.version, sha256: v.sha256, sizeBytes: Number(v.sizeBytes),
    opset: v.opset, irVersion: v.irVersion, producer: v.producer,
    inputs: toSpecs(v.inputs), outputs: toSpecs(v.outputs),
    parameterCount: Number(v.parameterCount), quantisation: v.quantisation, metrics: v.metrics,
    trainingRunId: v.trainingRunId, createdAt: v.createdAt,
  };
}

/** Signatures are stored as readOnnxModel reports them: dims are numbers, names or null. */
function toSpecs(json: unknown): TensorSpec[] {
  return (json as Spec[]).map((s) => ({
    name: s.name,
    dtype: s.dtype,
    shape: s.shape === null ? null : s.shape.map((d) => (d === null ? '?' : String(d))),
  }));
}
