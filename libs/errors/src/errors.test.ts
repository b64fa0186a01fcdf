import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLError } from 'graphql';
import { AppError, badInput, ErrorCode, toClientError } from './index.js';

test('an AppError thrown in a resolver keeps its code and details', () => {
  const wrapped = new GraphQLError('x', { path: ['a'], originalError: badInput('too big', { max: 3 }) });
  const { error, masked } = toClientError(wrapped);
  assert.equal(masked, false);
  assert.equal(error.extensions.code, ErrorCode.BAD_USER_INPUT);
  assert.equal(error.extensions.max, 3);
  assert.equal(error.message, 'too big');
});

test('unknown errors are masked as INTERNAL_SERVER_ERROR', () => {
  const wrapped = new GraphQLError('connection refused to 10.0.0.1', { path: ['a'], originalError: new Error('secret') });
  const { error, masked } = toClientError(wrapped);
  assert.equal(masked, true);
  assert.equal(error.extensions.code, ErrorCode.INTERNAL_SERVER_ERROR);
  assert.doesNotMatch(error.message, /secret|10\.0/);
});

test('validation errors keep the most specific known code in the chain', () => {
  const inner = new GraphQLError('too deep', { extensions: { code: ErrorCode.QUERY_TOO_DEEP } });
  const outer = new GraphQLError('too deep', { originalError: inner, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  assert.equal(toClientError(outer).error.extensions.code, ErrorCode.QUERY_TOO_DEEP);
  const plain = new GraphQLError('Cannot query field "a"', { originalError: new GraphQLError('Cannot query field "a"'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  assert.equal(toClientError(plain).error.extensions.code, ErrorCode.GRAPHQL_VALIDATION_FAILED);
  assert.equal(toClientError(new GraphQLError('Unknown operation named "x"')).error.extensions.code, ErrorCode.BAD_USER_INPUT);
});

test('a non-null violation during execution is a server fault', () => {
  const e = new GraphQLError('Cannot return null for non-nullable field Query.x.', { path: ['x'] });
  assert.equal(toClientError(e).masked, true);
});

test('user errors map to 4xx, server errors to 5xx', () => {
  assert.equal(new AppError(ErrorCode.NOT_FOUND, 'x').isUserError, true);
  assert.equal(new AppError(ErrorCode.INTERNAL_SERVER_ERROR, 'x').isUserError, false);
});
