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
  /** Automatic persisted queries: the client should resend with the full query. */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  NO_ROUTE: 'NO_ROUTE',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** A model rejected a request that matched its signature (e.g. a token id beyond the vocabulary). */
  INFERENCE_FAILED: 'INFERENCE_FAILED',
  /** No result within the inference deadline (workers overloaded or stuck). */
  INFERENCE_TIMEOUT: 'INFERENCE_TIMEOUT',
  /** A dependency the operation needs is not running (e.g. no inference worker); retry later. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
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
  PERSISTED_QUERY_NOT_FOUND: 200,
  PERSISTED_QUERY_NOT_SUPPORTED: 400,
  QUERY_TOO_DEEP: 400,
  QUERY_TOO_COMPLEX: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  NO_ROUTE: 422,
  INFERENCE_FAILED: 422,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  INFERENCE_TIMEOUT: 504,
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

function knownCode(e: unknown): ErrorCode | undefined {
  const code = e instanceof GraphQLError ? e.extensions?.code : undefined;
  return typeof code === 'string' && KNOWN_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR
    ? (code as ErrorCode)
    : undefined;
}

/**
 * Maps any error raised while handling an operation to what the client may see:
 *  - an AppError anywhere in the wrapping chain keeps its code and details;
 *  - graphql-js request errors (parse, validation, variable coercion, unknown operation:
 *    GraphQLErrors with no path and no underlying cause) keep their message, with the
 *    most specific known code in the chain (e.g. QUERY_TOO_DEEP over Apollo's
 *    GRAPHQL_VALIDATION_FAILED), else BAD_USER_INPUT;
 *  - type-graphql argument validation errors become BAD_USER_INPUT;
 *  - everything else (bugs, driver errors, non-null violations) is masked.
 */
export function toClientError(error: unknown): { error: GraphQLError; masked: boolean } {
  const chain: unknown[] = [error];
  let cursor = error;
  while (cursor instanceof GraphQLError && cursor.originalError && !chain.includes(cursor.originalError)) {
    cursor = cursor.originalError;
    chain.push(cursor);
  }
  const root = chain[chain.length - 1];
  const located = chain.find((e): e is GraphQLError => e instanceof GraphQLError);
  const where = { nodes: located?.nodes, source: located?.source, positions: located?.positions, path: located?.path };

  if (root instanceof AppError) {
    return { masked: false, error: new GraphQLError(root.message, { ...where, extensions: { ...(root.details ?? {}), code: root.code } }) };
  }
  // type-graphql's @Authorized refusal says UNAUTHORIZED; ours is FORBIDDEN.
  if (root instanceof GraphQLError && root.extensions?.code === 'UNAUTHORIZED') {
    return { masked: false, error: new GraphQLError(root.message, { ...where, extensions: { code: ErrorCode.FORBIDDEN } }) };
  }
  if (root instanceof GraphQLError && !root.path) {
    const code = [...chain].reverse().map(knownCode).find(Boolean) ?? ErrorCode.BAD_USER_INPUT;
    return { masked: false, error: new GraphQLError(root.message, { ...where, extensions: { ...root.extensions, code } }) };
  }
  if (root instanceof Error && root.name === 'ArgumentValidationError') {
    return { masked: false, error: new GraphQLError(root.message, { ...where, extensions: { code: ErrorCode.BAD_USER_INPUT } }) };
  }
  return {
    masked: true,
    error: new GraphQLError('Internal server error', { ...where, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }),
  };
}
