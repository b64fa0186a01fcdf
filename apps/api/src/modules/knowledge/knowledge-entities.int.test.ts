/**
 * `knowledgeEntities` against a real API (isolated schema and Redis prefix, no worker: the
 * graph is written with addRelations): the order of matches (key, key prefix, word prefix,
 * name or alias), best-connected first within a class, LIKE wildcards taken literally, the
 * bounds as BAD_USER_INPUT, and namespace scoping with the other knowledge reads' rules.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type TestStack } from '../../test-stack.js';

let stack: TestStack;

const ENTITIES = `query($s: String!, $f: Int, $ns: String) { knowledgeEntities(search: $s, first: $f, namespace: $ns) { id key name type aliases } }`;
const ADD_RELATIONS = `mutation($ns: String!, $r: [RelationInput!]!) { addRelations(namespace: $ns, relations: $r) { relations } }`;

/** `key`: an API key (scoped to its namespace; the stack's admin key by default) or 'admin', the platform admin's session, which sees every namespace. */
async function gql(query: string, variables?: Record<string, unknown>, key?: string): Promise<any> {
  const r = await stack.gql(query, variables, key === 'admin' ? { key: null, headers: { cookie: stack.adminCookie } } : key ? { key } : {});
  assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
  return r.body.data;
}

async function codeOf(query: string, variables?: Record<string, unknown>, key?: string): Promise<string> {
  const r = await stack.gql(query, variables, key === 'admin' ? { key: null, headers: { cookie: stack.adminCookie } } : key ? { key } : {});
  assert.ok(r.body.errors?.length, `expected an error, got ${JSON.stringify(r.body.data)}`);
  return r.body.errors[0].extensions?.code;
}

const names = async (search: string, vars: Record<string, unknown> = {}, key?: string): Promise<string[]> =>
  (await gql(ENTITIES, { s: search, ...vars }, key)).knowledgeEntities.map((e: { name: string }) => e.name);

const triple = (subject: string, object: string, label = 'related_to') => ({ subject, kind: 'ASSOCIATIVE', label, object });

let outsiderKey = '';

before(async () => {
  stack = await startTestStack({ apis: 1, workers: 0 });
  await gql(ADD_RELATIONS, {
    ns: 'default',
    r: [
      // "Congress" itself, with two relations.
      triple('Congress', 'Senate'),
      triple('Congress', 'House of Representatives'),
      // Key prefixes of "congress": the better connected one (3 relations) must come first.
      triple('Congressional Budget Office', 'Budget'),
      triple('Congress of Industrial Organizations', 'Labor union'),
      triple('Congress of Industrial Organizations', 'Strike'),
      triple('Congress of Industrial Organizations', 'Wage'),
      // Words inside a key starting with "congress".
      triple('Library of Congress', 'Book'),
      triple('Continental Congress', 'Declaration of Independence'),
      triple('Continental Congress', 'Independence Hall'),
      // Wildcard characters in a name.
      triple('100% Renewable Energy', 'Power grid'),
      triple('snake_case', 'Identifier'),
    ],
  });
  // Aliases come from extraction ("Name (ACR)"); here one is set directly.
  const budget = await stack.db.prisma.entity.findFirstOrThrow({ where: { key: 'congressional budget office' } });
  await stack.db.prisma.entity.update({ where: { id: budget.id }, data: { aliases: ['CBO'] } });
  outsiderKey = (await stack.createKey({ namespace: 'outsider' })).key;
  await gql(ADD_RELATIONS, { ns: 'outsider', r: [triple('Congress Hall', 'Philadelphia')] }, outsiderKey);
});
after(() => stack.stop());

describe('knowledgeEntities', () => {
  test('matches the key, then key prefixes, then words of a key, best connected first within each', async () => {
    assert.deepEqual(await names('congress'), [
      'Congress',
      'Congress of Industrial Organizations',
      'Congressional Budget Office',
      'Continental Congress',
      'Library of Congress',
    ]);
    // Typed as a person would: case, plural and function words are normalised like entity keys.
    assert.deepEqual((await names('The Congress', { f: 1 })), ['Congress']);
    assert.deepEqual(await names('cong', { f: 2 }), ['Congress of Industrial Organizations', 'Congress']);
    assert.deepEqual(await names('house of rep'), ['House of Representatives']);
  });

  test('finds an entity by a part of its name or by an alias, and returns its fields', async () => {
    assert.deepEqual(await names('industrial'), ['Congress of Industrial Organizations']);
    const [cbo] = (await gql(ENTITIES, { s: 'cbo' })).knowledgeEntities;
    assert.equal(cbo.key, 'congressional budget office');
    assert.equal(cbo.type, 'CONCEPT');
    assert.deepEqual(cbo.aliases, ['CBO']);
    assert.deepEqual(await names('no such entity anywhere'), []);
  });

  test('LIKE wildcards in the search are literal characters', async () => {
    assert.deepEqual(await names('%'), ['100% Renewable Energy']);
    assert.deepEqual(await names('e_c'), ['snake_case']);
    assert.deepEqual(await names('c%s'), []);
  });

  test('an empty or overlong search and `first` outside 1..100 are BAD_USER_INPUT; an unknown namespace is NOT_FOUND', async () => {
    assert.equal(await codeOf(ENTITIES, { s: '   ' }), 'BAD_USER_INPUT');
    assert.equal(await codeOf(ENTITIES, { s: 'x'.repeat(257) }), 'BAD_USER_INPUT');
    assert.equal(await codeOf(ENTITIES, { s: 'congress', f: 0 }), 'BAD_USER_INPUT');
    assert.equal(await codeOf(ENTITIES, { s: 'congress', f: 101 }), 'BAD_USER_INPUT');
    assert.equal((await names('congress', { f: 100 })).length, 5);
    assert.equal(await codeOf(ENTITIES, { s: 'congress', ns: 'no-such-namespace' }, 'admin'), 'NOT_FOUND');
  });

  test("is scoped by namespace like the other knowledge reads: another namespace is FORBIDDEN, none means the key's own", async () => {
    assert.equal(await codeOf(ENTITIES, { s: 'congress', ns: 'default' }, outsiderKey), 'FORBIDDEN');
    assert.deepEqual(await names('congress', {}, outsiderKey), ['Congress Hall']);
    assert.deepEqual(await names('congress hall'), [], 'default does not see the outsider’s entities');
    assert.equal(await codeOf(ENTITIES, { s: 'congress', ns: 'outsider' }), 'FORBIDDEN', "default's key cannot read outsider");
    assert.deepEqual(await names('congress hall', { ns: 'outsider' }, 'admin'), ['Congress Hall'], 'a platform admin reads any namespace');
  });
});
