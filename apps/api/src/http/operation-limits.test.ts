import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import type { Principal } from '@aivillage/auth';
import { enforceOperationLimits, measureOperation, namespacesNamed } from './operation-limits.js';

function op(query: string) {
  const doc = parse(query);
  const operation = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  return { operation, fragments };
}

const bronzeReader: Principal = {
  kind: 'apiKey', keyId: 'k', prefix: 'av_x', namespaceId: 'n', role: 'VIEWER', tier: 'BRONZE', namespaces: ['a'],
  scopes: ['read'], subject: 'key:k', label: 'av_x', requestsPerMinute: 60, concurrentConnections: 10, expiresAt: null,
};

test('cost multiplies children by page size and follows fragments; depth counts field levels', () => {
  const { operation, fragments } = op('query($n: Int) { a(first: 10) { b c { d } } e(first: $n) { ...F } } fragment F on X { f g }');
  assert.deepEqual(measureOperation(operation, fragments, { n: 100 }), { depth: 3, cost: 1 + 10 * 3 + 1 + 100 * 2 });
});

test('namespaces named in arguments, inputs and variables are all found', () => {
  const { operation, fragments } = op('query($i: In, $ns: String) { a(namespace: "x") { b } c(input: { namespace: $ns }) d(input: $i) }');
  assert.deepEqual(namespacesNamed(operation, fragments, { ns: 'y', i: { deep: { namespace: 'z' } } }).sort(), ['x', 'y', 'z']);
});

test('the edge refuses foreign namespaces, mutations without write scope, and over-tier depth or cost', () => {
  const code = (query: string, variables?: Record<string, unknown>) => {
    const { operation, fragments } = op(query);
    try {
      enforceOperationLimits(bronzeReader, operation, fragments, variables);
      return 'OK';
    } catch (e) {
      return (e as { extensions: { code: string } }).extensions.code;
    }
  };
  assert.equal(code('{ apiKeys(namespace: "a") { id } }'), 'OK');
  assert.equal(code('query($n: String) { apiKeys(namespace: $n) { id } }', { n: 'b' }), 'FORBIDDEN');
  assert.equal(code('mutation { revokeApiKey(id: "1") { id } }'), 'FORBIDDEN');
  assert.equal(code(`{ ${'a { '.repeat(8)}b${' }'.repeat(8)} }`), 'QUERY_TOO_DEEP');
  assert.equal(code('{ auditEvents(first: 500) { nodes { id at action } } }'), 'QUERY_TOO_COMPLEX');
});
