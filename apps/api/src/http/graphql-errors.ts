/**
 * One place that decides what a client sees of an error, for HTTP (Apollo's formatError)
 * and WebSocket (graphql-ws onNext/onError) alike. Unknown errors are logged with their
 * stack and masked as INTERNAL_SERVER_ERROR.
 */
import { toClientError } from '@aivillage/errors';
import type { Logger } from '@aivillage/log';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export function formatErrorFor(log: Logger) {
  return (error: unknown): GraphQLFormattedError => {
    const { error: clientError, masked } = toClientError(error);
    if (masked) {
      let original = error;
      while (original instanceof GraphQLError && original.originalError) original = original.originalError;
      log.error({ err: original, path: (error as GraphQLError).path }, 'unexpected error while executing an operation');
    }
    return clientError.toJSON();
  };
}
