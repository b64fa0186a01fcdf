/**
 * The platform's error vocabulary. Services throw `AppError`s with a stable code;
 * the API turns them into GraphQL errors with `extensions.code`, and anything else
 * is logged with its stack and masked as INTERNAL_SERVER_ERROR. Tests assert on codes.
 */
import { GraphQLError } from 'graphql';

export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The HTTP request itself is malformed (bad JSON, missing query); Apollo's own code. */
  BAD_REQUEST: 'BAD_REQUEST',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  NO_ROUTE: 'NO_ROUTE',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status the plain (non-GraphQL) endpoints use for each code. */
export const httpStatusFor: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
  QUERY_TOO_DEEP: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  NO_ROUTE: 422,
  INTERNAL_SERVER_ERROR: 500,
};

export interface AppErrorOptions {
  /** Extra machine-readable details placed in `extensions` (must be JSON-safe). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly details?: Record<string, unknown>;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.details = options.details;
  }
  /** True when the caller caused it (4xx); false for server faults worth an alert. */
  get isUserError(): boolean {
    return httpStatusFor[this.code] < 500;
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, { details });
export const notFound = (what: string, id?: string) =>
  new AppError(ErrorCode.NOT_FOUND, id ? `${what} ${JSON.stringify(id)} not found` : `${what} not found`);
export const forbidden = (message = 'Not allowed') => new AppError(ErrorCode.FORBIDDEN, message);
export const unauthenticated = (message = 'Authentication required') => new AppError(ErrorCode.UNAUTHENTICATED, message);
export const conflict = (message: string) => new AppError(ErrorCode.CONFLICT, message);

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * Maps any error thrown while executing an operation to what the client may see.
 * GraphQL's own validation/parse errors already carry codes and pass through;
 * AppErrors keep their code and details; everything else is masked.
 */
export function toClientError(error: unknown): { error: GraphQLError; masked: boolean } {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof AppError) {
    const base = error instanceof GraphQLError ? error : undefined;
    return {
      masked: false,
      error: new GraphQLError(original.message, {
        nodes: base?.nodes,
        path: base?.path,
        extensions: { ...(original.details ?? {}), code: original.code },
      }),
    };
  }
  if (error instanceof GraphQLError && error.originalError == null) {
    const code = error.extensions?.code;
    if (typeof code === 'string' && KNOWN_CODES.has(code)) return { error, masked: false };
    // Parse and validation errors from graphql-js carry no code of their own.
    return {
      masked: false,
      error: new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions: { ...error.extensions, code: typeof code === 'string' ? code : ErrorCode.BAD_USER_INPUT },
      }),
    };
  }
  // Argument validation errors raised by type-graphql are the caller's fault.
  if (isArgumentValidationError(original)) {
    const base = error instanceof GraphQLError ? error : undefined;
    return {
      masked: false,
      error: new GraphQLError((original as Error).message, {
        nodes: base?.nodes,
        path: base?.path,
        extensions: { code: ErrorCode.BAD_USER_INPUT },
      }),
    };
  }
  const base = error instanceof GraphQLError ? error : undefined;
  return {
    masked: true,
    error: new GraphQLError('Internal server error', {
      nodes: base?.nodes,
      path: base?.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    }),
  };
}

function isArgumentValidationError(e: unknown): boolean {
  return e instanceof Error && e.name === 'ArgumentValidationError';
}
