/** Turning urql's CombinedError into what a person should read, and its API error code. */
import type { CombinedError } from 'urql';

export interface ApiErrorInfo {
  message: string;
  /** `extensions.code` of the first GraphQL error (FORBIDDEN, BAD_USER_INPUT, CONFLICT…). */
  code: string | null;
}

export function apiError(error: CombinedError): ApiErrorInfo {
  const first = error.graphQLErrors[0];
  if (first) {
    const code = typeof first.extensions?.code === 'string' ? first.extensions.code : null;
    return { message: first.message, code };
  }
  return { message: error.networkError?.message || error.message.replace(/^\[\w+\]\s*/, ''), code: 'NETWORK' };
}
