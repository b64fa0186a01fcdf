/**
 * The error vocabulary of the models library. Every error a caller can act on is an
 * `AppError` with a stable code, so the API maps it to a GraphQL error without knowing
 * this library: a bad upload or a bad request is the caller's fault (BAD_USER_INPUT) and
 * carries what was expected; a failure inside the runtime is ours (masked by the API).
 */
import { AppError, ErrorCode } from '@aivillage/errors';
import type { TensorSpec } from './onnx-file.js';

/** The bytes are not a usable ONNX model: corrupt, truncated, or structurally invalid. */
export class OnnxFormatError extends AppError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(ErrorCode.BAD_USER_INPUT, `Invalid ONNX model: ${message}`, options);
    this.name = 'OnnxFormatError';
  }
}

/** The bytes parse, but onnxruntime refuses to load them (unsupported operator, opset, ...). */
export class ModelLoadError extends AppError {
  constructor(message: string, cause: unknown) {
    super(ErrorCode.BAD_USER_INPUT, `onnxruntime cannot load the model: ${message}`, { cause });
    this.name = 'ModelLoadError';
  }
}

/**
 * A request does not match the model's signature. `details.expected` always lists the whole
 * signature so a client can fix its request from the error alone.
 */
export class ModelInputError extends AppError {
  constructor(
    message: string,
    readonly input: string | null,
    readonly expected: readonly TensorSpec[],
  ) {
    super(ErrorCode.BAD_USER_INPUT, `${message}; expected inputs: ${describeSignature(expected)}`, {
      details: { input, expected: expected.map((s) => ({ name: s.name, dtype: s.dtype, shape: s.shape })) },
    });
    this.name = 'ModelInputError';
  }
}

/**
 * onnxruntime refused to run a request that passed validation (e.g. a Gather index out of
 * range). Almost always a value the caller sent, so the runtime's message is returned with
 * code INFERENCE_FAILED (422) rather than masked.
 */
export class ModelRuntimeError extends AppError {
  constructor(message: string, cause: unknown) {
    super(ErrorCode.INFERENCE_FAILED, `Model run failed: ${message}`, { cause });
    this.name = 'ModelRuntimeError';
  }
}

/** The session was closed (evicted from the cache); get a fresh one and retry. */
export class ModelSessionClosedError extends AppError {
  constructor(modelId: string) {
    super(ErrorCode.INTERNAL_SERVER_ERROR, `Model session ${modelId.slice(0, 12)} is closed`, { details: { modelId } });
    this.name = 'ModelSessionClosedError';
  }
}

/** `x: float32[N,64], mask: int64[N,T]`; a null shape prints as `[?]`, an unknown dim as `?`. */
export function describeSignature(specs: readonly TensorSpec[]): string {
  return specs.map(describeSpec).join(', ');
}

export function describeSpec(spec: TensorSpec): string {
  const dims = spec.shape === null ? '?' : spec.shape.map((d) => (d === null ? '?' : String(d))).join(',');
  return `${spec.name}: ${spec.dtype}[${dims}]`;
}
