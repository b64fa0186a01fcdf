/**
 * Access end to end over real HTTP and WebSocket: sign-in, sessions, API keys, namespace
 * isolation, tier limits, metrics scraping, persisted queries, audit. Each refusal is
 * asserted by its code and happens before any resolver runs.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestStack, type TestStack } from '../../test-stack.js';

let stack: TestStack;
let base: string;
before(async () => {
  stack = await startTestStack({ apis: 2, workers: 0, env: { METRICS_SCRAPE_TOKEN: 'scrape-token-0123456789' } });
  base = stack.apis[0].url;
});
after(() => stack.stop());

async function signIn(email: string, password: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/v1/auth/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? null;
  return { res, cookie, body: (await res.json()) as any };
}

const asAdmin = () => ({ key: null, headers: { cookie: stack.adminCookie } });

function wsCloseCode(url: string, params?: Record<string, unknown>, headers?: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: params })));
    ws.once('close', (code) => resolve(code));
  });
}

describe('authentication at the edge', () => {
  test('anonymous GraphQL, WebSocket and metrics requests are refused; probes are open', async () => {
    const r = await stack.gql('{ __schema { queryType { name } } }', undefined, { key: null });
    assert.equal(r.status, 401);
    assert.equal(r.body.errors[0].extensions.code, 'UNAUTHENTICATED');
    assert.equal(await wsCloseCode(base), 4401);
    assert.equal((await fetch(`${base}/metrics`)).status, 401);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });

  test('a wrong password is refused, the right one gives an HTTP-only session cookie that works', async () => {
    const wrong = await signIn(stack.admin.email, 'not the password');
    assert.equal(wrong.res.status, 401);
    assert.equal(wrong.body.errors[0].extensions.code, 'UNAUTHENTICATED');
    const unknown = await signIn('nobody@example.com', 'whatever-123');
    assert.equal(unknown.body.errors[0].message, wrong.body.errors[0].message, 'no hint whether the email exists');

    const ok = await signIn(stack.admin.email, stack.admin.password);
    assert.equal(ok.res.status, 200);
    const setCookie = ok.res.headers.get('set-cookie')!;
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    const me = await stack.gql('{ me { kind label role allNamespaces tier } }', undefined, { key: null, headers: { cookie: ok.cookie! } });
    assert.deepEqual(me.body.data.me, { kind: 'USER', label: stack.admin.email, role: 'ADMIN', allNamespaces: true, tier: 'GOLD' });

    const tampered = ok.cookie!.slice(0, -2) + (ok.cookie!.endsWith('AA') ? 'BB' : 'AA');
    const bad = await stack.gql('{ me { label } }', undefined, { key: null, headers: { cookie: tampered } });
    assert.equal(bad.status, 401);

    const foreign = await stack.gql('{ me { label } }', undefined, { key: null, headers: { cookie: ok.cookie!, origin: 'https://evil.example' } });
    assert.equal(foreign.status, 403, 'a cookie sent from a foreign origin is refused');

    const ws = new WebSocket(`${stack.apis[1].url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: { cookie: ok.cookie! } });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'connection_init' }));
    assert.equal(JSON.parse(String(await new Promise((r) => ws.once('message', r)))).type, 'connection_ack', 'the cookie authenticates a WebSocket');
    const wsClosed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    const out = await fetch(`${base}/v1/auth/session`, { method: 'DELETE', headers: { cookie: ok.cookie! } });
    assert.equal(out.status, 204);
    const after = await stack.gql('{ me { label } }', undefined, { key: null, headers: { cookie: ok.cookie! }, apiIndex: 1 });
    assert.equal(after.status, 401, 'signed out on every instance');
    assert.equal(await wsClosed, 4401, 'and its WebSockets are closed');
  });

  test('repeated wrong passwords back off with RATE_LIMITED and Retry-After, and are audited', async () => {
    const email = `victim-${Date.now()}@example.com`;
    const created = await stack.gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email, password: 'long enough password', role: 'VIEWER' } }, asAdmin());
    assert.ok(created.body.data.createUser.id);
    let limited;
    for (let i = 0; i < 7; i++) {
      const r = await signIn(email, 'wrong password!');
      if (r.res.status === 429) { limited = r; break; }
    }
    assert.ok(limited, 'locked out after repeated failures');
    assert.equal(limited.body.errors[0].extensions.code, 'RATE_LIMITED');
    assert.ok(Number(limited.res.headers.get('retry-after')) >= 1);
    const stillLocked = await signIn(email, 'long enough password');
    assert.equal(stillLocked.res.status, 429, 'even the right password waits out the backoff');
    const audit = await stack.gql('{ auditEvents(first: 50, action: "auth.signIn") { nodes { actorLabel outcome } } }', undefined, asAdmin());
    assert.ok(audit.body.data.auditEvents.nodes.some((e: any) => e.actorLabel === email && e.outcome === 'denied'));
  });
});

describe('API keys', () => {
  test('a key is shown once, stored hashed, works on HTTP and WebSocket, and revocation is immediate everywhere', async () => {
    const created = await stack.gql(
      'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id prefix tier scopes status namespace } } }',
      { i: { name: 'ci', namespace: 'default', tier: 'SILVER', scopes: ['read'] } },
      asAdmin(),
    );
    const { secret, apiKey } = created.body.data.createApiKey;
    assert.match(secret, /^av_[a-z0-9]{10}_/);
    assert.ok(secret.startsWith(apiKey.prefix));
    assert.equal(apiKey.status, 'ACTIVE');
    const row = await stack.db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id }, omit: { secretHash: false } });
    // The secret part is base64url, which may itself contain "_": take everything after the prefix.
    const secretPart = secret.slice(apiKey.prefix.length + 1);
    assert.ok(secretPart.length >= 40 && !row.secretHash.includes(secretPart), 'only a hash is stored');
    const listed = await stack.gql('{ apiKeys { id prefix } }');
    assert.ok(!JSON.stringify(listed.body).includes(secret), 'the secret is never listed');

    const me = await stack.gql('{ me { kind tier namespaces scopes requestsPerMinute } }', undefined, { key: secret });
    assert.deepEqual(me.body.data.me, { kind: 'API_KEY', tier: 'SILVER', namespaces: ['default'], scopes: ['read'], requestsPerMinute: 200 });
    assert.equal(me.headers.get('ratelimit-limit'), '200');

    const client = createClient({ url: `${stack.apis[1].url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { apiKey: secret }, retryAttempts: 0 });
    const viaWs = await new Promise<any>((resolve, reject) => {
      client.subscribe({ query: '{ me { label } }' }, { next: resolve, error: reject, complete: () => {} });
    });
    assert.equal(viaWs.data.me.label, apiKey.prefix);
    await client.dispose();
    // A socket held open on the other instance is closed the moment the key is revoked.
    const held = new WebSocket(`${stack.apis[1].url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((r) => held.once('open', r));
    held.send(JSON.stringify({ type: 'connection_init', payload: { apiKey: secret } }));
    await new Promise((r) => held.once('message', r));
    const heldClosed = new Promise<number>((r) => held.once('close', (code) => r(code)));
    const used = await stack.db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    assert.ok(used.lastUsedAt, 'use of a key is recorded');

    const mutation = await stack.gql('mutation { revokeApiKey(id: "00000000-0000-0000-0000-000000000000") { id } }', undefined, { key: secret });
    assert.equal(mutation.status, 403);
    assert.equal(mutation.body.errors[0].extensions.code, 'FORBIDDEN', 'a read-only key cannot run mutations');

    const revoked = await stack.gql('mutation($id: ID!) { revokeApiKey(id: $id) { status } }', { id: apiKey.id }, asAdmin());
    assert.equal(revoked.body.data.revokeApiKey.status, 'REVOKED');
    const audit = await stack.gql('{ auditEvents(first: 20) { nodes { action targetId } } }', undefined, asAdmin());
    const actions = audit.body.data.auditEvents.nodes.filter((e: any) => e.targetId === apiKey.id).map((e: any) => e.action);
    assert.deepEqual(actions.sort(), ['apiKey.create', 'apiKey.revoke']);
    for (const apiIndex of [0, 1]) {
      const r = await stack.gql('{ me { label } }', undefined, { key: secret, apiIndex });
      assert.equal(r.status, 401, `revoked key refused on instance ${apiIndex}`);
    }
    assert.equal(await heldClosed, 4401, 'open WebSockets of a revoked key are closed');
  });

  test('a key stops working the moment it expires, even while its principal is cached', async () => {
    const { key } = await stack.createKey({ expiresAt: new Date(Date.now() + 1500) });
    assert.equal((await stack.gql('{ me { label } }', undefined, { key })).status, 200);
    await new Promise((r) => setTimeout(r, 1600));
    assert.equal((await stack.gql('{ me { label } }', undefined, { key })).status, 401);
  });

  test('an expired key and a malformed key are refused', async () => {
    const { key } = await stack.createKey({ expiresAt: new Date(Date.now() - 1000) });
    assert.equal((await stack.gql('{ me { label } }', undefined, { key })).status, 401);
    assert.equal((await stack.gql('{ me { label } }', undefined, { key: 'av_nothing' })).status, 401);
  });

  test('a key of namespace A cannot read namespace B', async () => {
    const a = await stack.createKey({ namespace: 'team-a', tier: 'GOLD' });
    await stack.createKey({ namespace: 'team-b' });
    const names = await stack.gql('{ namespaces { name } }', undefined, { key: a.key });
    assert.deepEqual(names.body.data.namespaces.map((n: any) => n.name), ['team-a']);
    const other = await stack.gql('{ apiKeys(namespace: "team-b") { id } }', undefined, { key: a.key });
    assert.equal(other.status, 403, 'refused at the edge, before any resolver');
    assert.equal(other.body.errors[0].extensions.code, 'FORBIDDEN');
    assert.equal(other.body.data, undefined);
    await new Promise((r) => setTimeout(r, 100));
    const audit = await stack.gql('{ auditEvents(first: 20, action: "access.denied") { nodes { namespace outcome } } }', undefined, asAdmin());
    assert.ok(audit.body.data.auditEvents.nodes.some((e: any) => e.namespace === 'team-b' && e.outcome === 'denied'), 'and audited');
    const own = await stack.gql('{ apiKeys { namespace } }', undefined, { key: a.key });
    assert.ok(own.body.data.apiKeys.every((k: any) => k.namespace === 'team-a'));
  });

  test('admin-only operations are refused to developers', async () => {
    const dev = await stack.createKey({ tier: 'GOLD', scopes: ['read', 'write'] });
    const r = await stack.gql('{ users { email } }', undefined, { key: dev.key });
    assert.equal(r.body.errors[0].extensions.code, 'FORBIDDEN');
  });
});

describe('tier limits', () => {
  test('a BRONZE key is limited at exactly 60 requests per minute, with RateLimit headers and retry-after', async () => {
    const { key } = await stack.createKey({ tier: 'BRONZE' });
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 65; i++) {
      last = await stack.gql('{ me { tier } }', undefined, { key, apiIndex: i % 2 });
      statuses.push(last.status);
    }
    assert.equal(statuses.filter((s) => s === 200).length, 60, 'exactly the quota, across two instances');
    assert.equal(last!.status, 429);
    assert.equal(last!.body.errors[0].extensions.code, 'RATE_LIMITED');
    assert.ok(last!.body.errors[0].extensions.retryAfterSeconds >= 1);
    assert.equal(last!.headers.get('ratelimit-remaining'), '0');
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
  });

  test('a BRONZE key may hold 10 concurrent connections; the 11th WebSocket is closed with 4430', async () => {
    const { key } = await stack.createKey({ tier: 'BRONZE', rateLimitPerMinute: undefined });
    const sockets: WebSocket[] = [];
    for (let i = 0; i < 10; i++) {
      const ws = new WebSocket(`${stack.apis[i % 2].url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ type: 'connection_init', payload: { apiKey: key } }));
      const msg = await new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
      assert.equal(JSON.parse(msg).type, 'connection_ack');
      sockets.push(ws);
    }
    assert.equal(await wsCloseCode(base, { apiKey: key }), 4430);
    sockets[0].close();
    await new Promise((r) => sockets[0].once('close', r));
    await new Promise((r) => setTimeout(r, 100));
    const usage = await stack.gql('{ apiKeys { prefix usage { openConnections requestsLastMinute } } }', undefined, asAdmin());
    assert.ok(usage.body.data.apiKeys.some((k: any) => k.usage.openConnections === 9), 'usage shows the open connections');
    for (const s of sockets.slice(1)) s.close();
  });

  test('a query 50 levels deep or of huge cost is refused before execution', async () => {
    const { key } = await stack.createKey({ tier: 'BRONZE' });
    const deep = await stack.gql(`{ ${'me { user { memberships { namespace } } } '.replace('namespace', '__typename')} ${'a { '.repeat(50)}b${' }'.repeat(50)} }`, undefined, { key });
    assert.equal(deep.status, 400);
    assert.equal(deep.body.errors[0].extensions.code, 'QUERY_TOO_DEEP');
    const costly = await stack.gql('{ auditEvents(first: 500) { nodes { id action actorLabel at } } }', undefined, { key });
    assert.equal(costly.body.errors[0].extensions.code, 'QUERY_TOO_COMPLEX');
    const tooDeepForBronze = await stack.gql('{ me { user { memberships { namespace } } } }', undefined, { key });
    assert.equal(tooDeepForBronze.status, 200, 'depth 4 is fine for BRONZE (limit 7)');
  });
});

describe('metrics, persisted queries and storage', () => {
  test('/metrics takes the scrape token or a key with the metrics scope', async () => {
    assert.equal((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } })).status, 200);
    assert.equal((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
    const readOnly = await stack.createKey({ scopes: ['read'] });
    assert.equal((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${readOnly.key}` } })).status, 403);
    assert.equal((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${stack.adminKey}` } })).status, 200);
  });

  test('automatic persisted queries: a hash alone works once the query is registered, on any instance', async () => {
    const query = '{ tiers { tier requestsPerMinute } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const ext = { persistedQuery: { version: 1, sha256Hash } };
    const post = (body: object, apiIndex = 0) =>
      fetch(`${stack.apis[apiIndex].url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminKey}` },
        body: JSON.stringify(body),
      }).then(async (r) => (await r.json()) as any);
    const miss = await post({ extensions: ext });
    assert.equal(miss.errors[0].extensions.code, 'PERSISTED_QUERY_NOT_FOUND');
    await post({ query, extensions: ext });
    const hit = await post({ extensions: ext }, 1);
    assert.deepEqual(hit.data.tiers.map((t: any) => [t.tier, t.requestsPerMinute]), [['BRONZE', 60], ['SILVER', 200], ['GOLD', 500], ['PLATINUM', null]]);
  });

  test('storage quotas: concurrent writers never push a namespace past its tier quota', async () => {
    await stack.db.prisma.namespace.create({ data: { name: 'quota-ns', tier: 'BRONZE' } });
    const storage = stack.apis[0].server.deps.storage;
    const GB = 1024 ** 3;
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => storage.reserve('quota-ns', 1 * GB)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5, 'BRONZE holds 5 GB');
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal(refused.reason.code, 'QUOTA_EXCEEDED');
    const ns = await stack.db.prisma.namespace.findUniqueOrThrow({ where: { name: 'quota-ns' } });
    assert.equal(ns.storageBytesUsed, BigInt(5 * GB));
    await storage.release('quota-ns', GB);
    await storage.reserve('quota-ns', GB);
  });
});

describe('response cache', () => {
  test('cacheable queries are served from cache until a write that affects them, on every instance', async () => {
    const admin = asAdmin();
    const users = () => stack.gql('{ users { email } }', undefined, admin);
    const first = await users();
    assert.equal(first.headers.get('x-cache'), 'MISS');
    const second = await users();
    assert.equal(second.headers.get('x-cache'), 'HIT');
    assert.deepEqual(second.body, first.body);

    const email = `cached-${Date.now()}@example.com`;
    await stack.gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email, password: 'long enough password', role: 'VIEWER' } }, admin);
    for (const apiIndex of [0, 1]) {
      const after = await stack.gql('{ users { email } }', undefined, { ...admin, apiIndex });
      assert.ok(after.body.data.users.some((u: any) => u.email === email), `instance ${apiIndex} sees the new user`);
    }
  });

  test('entries are scoped by what the caller may see', async () => {
    const a = await stack.createKey({ namespace: 'scope-a' });
    const b = await stack.createKey({ namespace: 'scope-b' });
    const na = await stack.gql('{ namespaces { name } }', undefined, { key: a.key });
    const nb = await stack.gql('{ namespaces { name } }', undefined, { key: b.key });
    assert.deepEqual(na.body.data.namespaces, [{ name: 'scope-a' }]);
    assert.deepEqual(nb.body.data.namespaces, [{ name: 'scope-b' }]);
  });

  test('/v1/debug/cache-stats and /v1/debug/db-stats are for platform admins only', async () => {
    await stack.gql('{ tiers { tier } }');
    await stack.gql('{ tiers { tier } }');
    assert.equal((await fetch(`${base}/v1/debug/cache-stats`, { headers: { authorization: `Bearer ${stack.adminKey}` } })).status, 403);
    const cache = (await (await fetch(`${base}/v1/debug/cache-stats`, { headers: { cookie: stack.adminCookie } })).json()) as any;
    assert.ok(cache.l1.hits >= 1 && cache.l1.hitRate > 0);
    const db = (await (await fetch(`${base}/v1/debug/db-stats`, { headers: { cookie: stack.adminCookie } })).json()) as any;
    assert.ok(db.pool.max > 0);
    assert.ok(db.database.commits > 0);
    assert.ok(Array.isArray(db.slowestStatements));
  });
});
