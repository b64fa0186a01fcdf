/**
 * The error vocabulary of the knowledge library: every error a caller can act on is an
 * `AppError` with a stable code (tests assert on codes), so the API maps it without knowing
 * this library. Bad documents, queries and options are the caller's fault (BAD_USER_INPUT,
 * PAYLOAD_TOO_LARGE); a missing or broken embedding model is the operator's (not masked in
 * logs, masked for clients).
 */
import { AppError, ErrorCode } from '@aivillage/errors';

/** A document, query or option the caller sent is unusable (empty text, bad option, hop bound). */
export class KnowledgeInputError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCode.BAD_USER_INPUT, message, { details });
    this.name = 'KnowledgeInputError';
  }
}

/** A document is larger than the limit; checked before any work. */
export class DocumentTooLargeError extends AppError {
  constructor(
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(ErrorCode.PAYLOAD_TOO_LARGE, `Document is ${sizeBytes} bytes (UTF-8); the limit is ${limitBytes} bytes`, {
      details: { sizeBytes, limitBytes },
    });
    this.name = 'DocumentTooLargeError';
  }
}

/**
 * Vectors from an embedder do not fit where they go: a namespace's dimension is fixed when
 * it is created, so switching to an embedder of another dimension needs a new namespace
 * (or a re-embedding of every chunk).
 */
export class EmbeddingDimensionError extends AppError {
  constructor(
    readonly expected: number,
    readonly actual: number,
    readonly context: string,
  ) {
    super(ErrorCode.BAD_USER_INPUT, `Embedding dimension mismatch for ${context}: expected ${expected}, got ${actual}`, {
      details: { expected, actual, context },
    });
    this.name = 'EmbeddingDimensionError';
  }
}

/** The embedder cannot be built from its configuration (missing model files, bad vocabulary, model refused). */
export class EmbedderConfigError extends AppError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.INTERNAL_SERVER_ERROR, `Embedder configuration: ${message}`, { cause });
    this.name = 'EmbedderConfigError';
  }
}

/** Integer option check shared by the modules: throws KnowledgeInputError naming the option and range. */
export function checkInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new KnowledgeInputError(`${name} must be an integer in [${min}, ${max}], got ${value}`, { option: name, min, max, value });
  }
  return value;
}
