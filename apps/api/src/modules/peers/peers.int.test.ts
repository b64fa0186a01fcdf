/**
 * Peers end to end: registration with Ed25519 identities, signed heartbeats and link reports
 * (every refusal reason, replays across two API instances, bounded link history), routing
 * over the live mesh (NO_ROUTE reasons, re-routing after a link degrades, peers swept
 * OFFLINE by the worker), p2pStatus and GET /v1/p2p/status, peerEvents over WebSocket, and
 * the simulator as worker jobs (deterministic, validated before any work).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generatePeerKeys, signMessage, type PeerKeyPair, type PeerPayload } from '@aivillage/p2p';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestStack, type TestStack } from '../../test-stack.js';

let stack: TestStack;

const REGISTER = `mutation($i: RegisterPeerInput!) { registerPeer(input: $i) { id status namespace publicKey deviceClass transports { transport address } } }`;
const SEND = `mutation($m: [SignedPeerMessageInput!]!) { sendPeerMessages(messages: $m) { accepted heartbeats linkReports rejected { index peerId reason message } } }`;
const HEARTBEAT = `mutation($m: SignedPeerMessageInput!) { peerHeartbeat(message: $m) { id status batteryPercent lastSeq heartbeats } }`;
const ROUTE = `query($f: ID!, $t: ID!, $s: Int!) { route(from: $f, to: $t, messageSize: $s) {
  best { peers score expectedLatencyMs pathLatencyMs bottleneckMbps successRate breakdown { latency throughput reliability battery }
         hops { from to transport latencyMs throughputMbps successRate batteryImpact } }
  alternatives { peers score } computeMs } }`;
const PEER = `query($id: ID!) { peer(id: $id) { id status batteryPercent links { id toPeerId transport latencyMs reports to { displayName } history { latencyMs successRate } } } }`;
const STATUS = `query($ns: String) { p2pStatus(namespace: $ns) { peers links byStatus { status count } byTransport { transport peers links }
  byDeviceClass { deviceClass count } heartbeatsPerSecond linkReportsPerSecond rejectedPerSecond rejectedByReason { reason perSecond } averageLatencyMs healthy problems } }`;

interface TestPeer {
  id: string;
  keys: PeerKeyPair;
  seq: number;
}

let nsCounter = 0;
async function namespace(): Promise<{ name: string; key: string }> {
  const name = `mesh-${++nsCounter}`;
  const { key } = await stack.createKey({ namespace: name });
  return { name, key };
}

async function register(ns: { name: string; key: string }, displayName: string, deviceClass = 'SERVER'): Promise<TestPeer> {
  const keys = generatePeerKeys();
  const r = await stack.gql(REGISTER, {
    i: { namespace: ns.name, publicKey: keys.publicKey, displayName, deviceClass, transports: [{ transport: 'QUIC', address: `quic://${displayName}:4433` }] },
  }, { key: ns.key });
  assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
  return { id: r.body.data.registerPeer.id, keys, seq: 0 };
}

function heartbeat(p: TestPeer, extra: Partial<PeerPayload> = {}) {
  return signMessage(p.keys.privateKey, { type: 'heartbeat', peer: p.id, seq: ++p.seq, ts: Date.now(), battery: 80, ...extra } as PeerPayload);
}

function links(p: TestPeer, list: { to: TestPeer; transport?: 'ble' | 'htx' | 'quic'; latencyMs: number; throughputMbps?: number; successRate?: number }[]) {
  return signMessage(p.keys.privateKey, {
    type: 'links', peer: p.id, seq: ++p.seq, ts: Date.now(),
    links: list.map((l) => ({ to: l.to.id, transport: l.transport ?? 'quic', latencyMs: l.latencyMs, throughputMbps: l.throughputMbps ?? 800, successRate: l.successRate ?? 0.99 })),
  });
}

async function send(ns: { key: string }, messages: unknown[], apiIndex = 0) {
  const r = await stack.gql(SEND, { m: messages }, { key: ns.key, apiIndex });
  assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
  return r.body.data.sendPeerMessages as { accepted: number; heartbeats: number; linkReports: number; rejected: { index: number; reason: string; message: string }[] };
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  stack = await startTestStack({
    apis: 2,
    workers: 1,
    env: { P2P_PEER_TIMEOUT_MS: '1500', P2P_LINK_HISTORY: '3', P2P_MAX_SIM_NODES: '500', P2P_MESSAGE_BATCH_MAX: '50' },
  });
});
after(() => stack.stop());

describe('registration', () => {
  test('a peer registers under its public key; bad keys, taken keys and foreign namespaces are refused', async () => {
    const ns = await namespace();
    const keys = generatePeerKeys();
    const input = { namespace: ns.name, publicKey: keys.publicKey, displayName: 'phone', deviceClass: 'MOBILE', region: 'eu-west', transports: [{ transport: 'BLE', address: 'ble://aa:bb' }] };
    const ok = await stack.gql(REGISTER, { i: input }, { key: ns.key });
    assert.equal(ok.body.errors, undefined, JSON.stringify(ok.body.errors));
    assert.equal(ok.body.data.registerPeer.status, 'NEW');
    assert.equal(ok.body.data.registerPeer.publicKey, keys.publicKey);

    const taken = await stack.gql(REGISTER, { i: input }, { key: ns.key });
    assert.equal(taken.body.errors[0].extensions.code, 'CONFLICT');
    const short = await stack.gql(REGISTER, { i: { ...input, publicKey: Buffer.alloc(31).toString('base64') } }, { key: ns.key });
    assert.equal(short.body.errors[0].extensions.code, 'BAD_USER_INPUT');
    assert.match(short.body.errors[0].message, /32 bytes/);
    const twice = await stack.gql(REGISTER, { i: { ...input, publicKey: generatePeerKeys().publicKey, transports: [{ transport: 'BLE', address: 'a' }, { transport: 'BLE', address: 'b' }] } }, { key: ns.key });
    assert.equal(twice.body.errors[0].extensions.code, 'BAD_USER_INPUT');
    const other = await namespace();
    const foreign = await stack.gql(REGISTER, { i: { ...input, publicKey: generatePeerKeys().publicKey } }, { key: other.key });
    assert.equal(foreign.body.errors[0].extensions.code, 'FORBIDDEN');
    const hidden = await stack.gql(PEER, { id: ok.body.data.registerPeer.id }, { key: other.key });
    assert.equal(hidden.body.errors[0].extensions.code, 'NOT_FOUND', 'another namespace cannot read the peer');
  });
});

describe('signed telemetry', () => {
  test('a signed heartbeat brings a peer ONLINE; every bad message is refused with its reason and counted', async () => {
    const ns = await namespace();
    const a = await register(ns, 'a', 'MOBILE');
    const b = await register(ns, 'b');
    const good = heartbeat(a, { battery: 42 } as Partial<PeerPayload>);
    const forged = signMessage(b.keys.privateKey, { type: 'heartbeat', peer: a.id, seq: ++a.seq, ts: Date.now() }); // b's key speaking for a
    const unsigned = { ...heartbeat(a), signature: null };
    const stale = heartbeat(a, { ts: Date.now() - 3_600_000 } as Partial<PeerPayload>);
    // Signed by a, sent as a, but the payload names b.
    const mismatched = { ...signMessage(a.keys.privateKey, { type: 'heartbeat', peer: b.id, seq: ++a.seq, ts: Date.now() }), peerId: a.id };
    const unknown = { ...heartbeat(a), peerId: '00000000-0000-4000-8000-000000000000' };
    const notJson = { peerId: a.id, payload: '{nope', signature: signMessage(a.keys.privateKey, { type: 'heartbeat', peer: a.id, seq: 1, ts: 1 }).signature };
    const r = await send(ns, [good, forged, unsigned, stale, mismatched, unknown, notJson, good]);
    assert.equal(r.accepted, 1);
    assert.deepEqual(r.rejected.map((x) => [x.index, x.reason]), [
      [1, 'BAD_SIGNATURE'], [2, 'MISSING_SIGNATURE'], [3, 'STALE'], [4, 'MALFORMED'], [5, 'UNKNOWN_PEER'], [6, 'BAD_SIGNATURE'], [7, 'REPLAY'],
    ]);
    const again = await send(ns, [good]);
    assert.deepEqual(again.rejected.map((x) => x.reason), ['REPLAY'], 'a message already accepted is a replay');

    const peer = (await stack.gql(PEER, { id: a.id }, { key: ns.key })).body.data.peer;
    assert.equal(peer.status, 'ONLINE');
    assert.equal(peer.batteryPercent, 42);

    const single = await stack.gql(HEARTBEAT, { m: forged }, { key: ns.key });
    assert.equal(single.body.errors[0].extensions.code, 'UNAUTHENTICATED');
    assert.equal(single.body.errors[0].extensions.reason, 'BAD_SIGNATURE');
    const wrongType = await stack.gql(HEARTBEAT, { m: links(a, [{ to: b, latencyMs: 5 }]) }, { key: ns.key });
    assert.equal(wrongType.body.errors[0].extensions.code, 'BAD_USER_INPUT');
    const fine = await stack.gql(HEARTBEAT, { m: heartbeat(a) }, { key: ns.key });
    assert.equal(fine.body.data.peerHeartbeat.heartbeats, 2);

    const other = await namespace();
    const elsewhere = await send(other, [heartbeat(a)]);
    assert.deepEqual(elsewhere.rejected.map((x) => x.reason), ['FORBIDDEN'], "a key of another namespace cannot report for this namespace's peers");

    const status = await waitFor('rejections in p2pStatus', async () => {
      const s = (await stack.gql(STATUS, { ns: ns.name }, { key: ns.key })).body.data.p2pStatus;
      return s.rejectedPerSecond > 0 && s.heartbeatsPerSecond > 0 ? s : null;
    });
    const perReason = Object.fromEntries(status.rejectedByReason.map((x: any) => [x.reason, x.perSecond * 10]));
    assert.ok(Math.round(perReason.BAD_SIGNATURE) >= 2 && Math.round(perReason.REPLAY) >= 2, JSON.stringify(perReason));
    assert.equal(status.byStatus.find((x: any) => x.status === 'ONLINE').count, 1);

    const metrics = await fetch(`${stack.apis[0].url}/metrics`, { headers: { authorization: `Bearer ${stack.adminKey}` } }).then((res) => res.text());
    assert.match(metrics, /aivillage_p2p_messages_total\{[^}]*outcome="BAD_SIGNATURE"[^}]*\} [1-9]/);
    assert.match(metrics, /^p2p_connection_count(\{[^}]*\})? \d+$/m);
  });

  test('the same message sent to two API instances at once is accepted once', async () => {
    const ns = await namespace();
    const p = await register(ns, 'racer');
    for (let i = 0; i < 5; i++) {
      const m = heartbeat(p);
      const [x, y] = await Promise.all([send(ns, [m], 0), send(ns, [m], 1)]);
      assert.equal(x.accepted + y.accepted, 1, `round ${i}: ${JSON.stringify([x, y])}`);
      assert.deepEqual([...x.rejected, ...y.rejected].map((r) => r.reason), ['REPLAY']);
    }
  });

  test('link reports keep the latest figures and a bounded history; POST /v1/p2p/messages takes batches', async () => {
    const ns = await namespace();
    const a = await register(ns, 'a');
    const b = await register(ns, 'b');
    const url = `${stack.apis[0].url}/v1/p2p/messages`;
    const post = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ns.key}` }, body: JSON.stringify(body) });
    for (let i = 1; i <= 5; i++) {
      const res = await post([links(a, [{ to: b, latencyMs: i * 10 }, { to: b, transport: 'ble', latencyMs: 30 }])]);
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as any).linkReports, 1);
    }
    const peer = (await stack.gql(PEER, { id: a.id }, { key: ns.key })).body.data.peer;
    const quic = peer.links.find((l: any) => l.transport === 'QUIC');
    assert.equal(quic.latencyMs, 50);
    assert.equal(quic.reports, 5);
    assert.equal(quic.to.displayName, 'b');
    assert.deepEqual(quic.history.map((h: any) => h.latencyMs), [30, 40, 50], 'P2P_LINK_HISTORY=3 keeps the last three, oldest first');

    const toStranger = await post({ messages: [links(a, [{ to: { id: '00000000-0000-4000-8000-000000000001' } as TestPeer, latencyMs: 1 }])] });
    assert.equal(((await toStranger.json()) as any).rejected[0].reason, 'MALFORMED');
    const tooMany = await post(Array.from({ length: 51 }, () => heartbeat(a)));
    assert.equal(tooMany.status, 413);
    const notArray = await post({ nope: true });
    assert.equal(notArray.status, 400);
    const anonymous = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    assert.equal(anonymous.status, 401);
  });
});

describe('routing', () => {
  test('routes over ONLINE peers, re-routes when a link degrades, and says NO_ROUTE with the reason', async () => {
    const ns = await namespace();
    const [a, b, c, d, lonely] = [await register(ns, 'a'), await register(ns, 'b'), await register(ns, 'c'), await register(ns, 'd'), await register(ns, 'lonely')];
    // a–b–d and a–c–d; via b is faster at first.
    await send(ns, [
      heartbeat(a), heartbeat(b), heartbeat(c), heartbeat(d), heartbeat(lonely),
      links(a, [{ to: b, latencyMs: 3 }, { to: c, latencyMs: 10, transport: 'htx', throughputMbps: 120 }]),
      links(b, [{ to: d, latencyMs: 3 }]),
      links(c, [{ to: d, latencyMs: 10, transport: 'htx', throughputMbps: 120 }]),
    ]);
    const first = await stack.gql(ROUTE, { f: a.id, t: d.id, s: 1024 }, { key: ns.key });
    assert.equal(first.body.errors, undefined, JSON.stringify(first.body.errors));
    const best = first.body.data.route.best;
    assert.deepEqual(best.peers, [a.id, b.id, d.id]);
    assert.deepEqual(best.hops.map((h: any) => h.transport), ['QUIC', 'QUIC']);
    assert.equal(best.pathLatencyMs, 6);
    assert.deepEqual(first.body.data.route.alternatives[0].peers, [a.id, c.id, d.id]);
    const b3 = best.breakdown;
    assert.ok(Math.abs(best.score - (0.3 * b3.latency + 0.3 * b3.throughput + 0.3 * b3.reliability + 0.1 * b3.battery)) < 1e-9);

    // b's link to d degrades badly: the route moves to c (graph version bumped by the report).
    await send(ns, [links(b, [{ to: d, latencyMs: 400, successRate: 0.5 }])]);
    const moved = await waitFor('re-route via c', async () => {
      const r = await stack.gql(ROUTE, { f: a.id, t: d.id, s: 1024 }, { key: ns.key, apiIndex: 1 });
      return r.body.data?.route.best.peers[1] === c.id ? r.body.data.route.best : null;
    }, 5000);
    assert.deepEqual(moved.hops.map((h: any) => h.transport), ['HTX', 'HTX']);

    const none = await stack.gql(ROUTE, { f: a.id, t: lonely.id, s: 1024 }, { key: ns.key });
    assert.equal(none.body.errors[0].extensions.code, 'NO_ROUTE');
    assert.equal(none.body.errors[0].extensions.reason, 'disconnected');
    const same = await stack.gql(ROUTE, { f: a.id, t: a.id, s: 1024 }, { key: ns.key });
    assert.equal(same.body.errors[0].extensions.code, 'BAD_USER_INPUT');
    const zero = await stack.gql(ROUTE, { f: a.id, t: d.id, s: 0 }, { key: ns.key });
    assert.equal(zero.body.errors[0].extensions.code, 'BAD_USER_INPUT');

    // Everyone but a and d goes silent: the worker's sweep marks them OFFLINE and the route is gone.
    const keepAlive = setInterval(() => void send(ns, [heartbeat(a), heartbeat(d)]).catch(() => {}), 300);
    try {
      const gone = await waitFor('b and c OFFLINE, then NO_ROUTE', async () => {
        const r = await stack.gql(ROUTE, { f: a.id, t: d.id, s: 1024 }, { key: ns.key });
        return r.body.errors?.[0]?.extensions.code === 'NO_ROUTE' ? r.body.errors[0] : null;
      }, 10_000);
      assert.equal(gone.extensions.reason, 'disconnected');
      const offline = await stack.gql(ROUTE, { f: b.id, t: d.id, s: 1024 }, { key: ns.key });
      assert.equal(offline.body.errors[0].extensions.reason, 'peer-offline');
      assert.match(offline.body.errors[0].message, /OFFLINE/);
    } finally {
      clearInterval(keepAlive);
    }
  });
});

describe('status and events', () => {
  test('peerEvents streams JOINED, LINK_CHANGED and LEFT; GET /v1/p2p/status matches p2pStatus', async () => {
    const ns = await namespace();
    const a = await register(ns, 'a');
    const b = await register(ns, 'b');
    const events: any[] = [];
    const client = createClient({ url: `${stack.apis[1].url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${ns.key}` } });
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: 'subscription($ns: String!) { peerEvents(namespace: $ns) { kind peerId namespace link { toPeerId transport latencyMs isNew } } }', variables: { ns: ns.name } },
        { next: (v) => events.push(v.data?.peerEvents ?? v), error: reject, complete: resolve },
      );
    });
    try {
      await new Promise((r) => setTimeout(r, 300)); // subscribed
      await send(ns, [heartbeat(a), heartbeat(b), links(a, [{ to: b, latencyMs: 5 }])]);
      await send(ns, [links(a, [{ to: b, latencyMs: 5.2 }])]); // < 20%: no event
      await send(ns, [links(a, [{ to: b, latencyMs: 9 }])]);
      const seen = await waitFor('JOINED ×2, LINK_CHANGED ×2, LEFT', async () => {
        const kinds = events.map((e) => e.kind);
        return kinds.filter((k) => k === 'LEFT').length >= 2 ? kinds : null;
      }, 10_000);
      assert.deepEqual(seen.filter((k) => k === 'JOINED').length, 2);
      const changes = events.filter((e) => e.kind === 'LINK_CHANGED');
      assert.deepEqual(changes.map((e) => [e.peerId, e.link.latencyMs, e.link.isNew]), [[a.id, 5, true], [a.id, 9, false]]);
      assert.ok(events.every((e) => e.namespace === ns.name));
    } finally {
      await client.dispose();
      await done.catch(() => {});
    }
    const gql = (await stack.gql(STATUS, { ns: ns.name }, { key: ns.key })).body.data.p2pStatus;
    const rest = (await fetch(`${stack.apis[0].url}/v1/p2p/status?namespace=${ns.name}`, { headers: { authorization: `Bearer ${ns.key}` } }).then((r) => r.json())) as any;
    assert.equal(rest.peers, 2);
    assert.equal(rest.links, gql.links);
    assert.deepEqual(rest.byStatus, gql.byStatus);
    assert.deepEqual(rest.byStatus.find((s: any) => s.status === 'OFFLINE').count, 2);
    assert.equal(rest.healthy, false);
    assert.ok(rest.problems.includes('no peer is ONLINE'), JSON.stringify(rest.problems));
    const forbidden = await fetch(`${stack.apis[0].url}/v1/p2p/status?namespace=${ns.name}`, { headers: { authorization: `Bearer ${(await namespace()).key}` } });
    assert.equal(forbidden.status, 403);
  });
});

describe('simulation', () => {
  const TOPOLOGY = `mutation($n: Int!, $ns: String!) { generateMeshTopology(nodes: $n, degree: 6, transportMix: { ble: 0.4, htx: 0.3, quic: 0.3 }, seed: 7, namespace: $ns) { id status nodes } }`;
  const SIMULATE = `mutation($i: SimulatePropagationInput!) { simulatePropagation(input: $i) { id status } }`;
  const SIM = `query($id: ID!) { propagationSimulation(id: $id) { status error durationMs report { source nodes informedNodes reachability avgPropagationMs
    timeToLive { p50 p95 p100 } hopsMax duplicates bandwidthEfficiency guideComparison { metric guide simulated } } } }`;
  const waitSim = (id: string, key: string) =>
    waitFor(`simulation ${id}`, async () => {
      const s = (await stack.gql(SIM, { id }, { key })).body.data?.propagationSimulation;
      return s && (s.status === 'SUCCEEDED' || s.status === 'FAILED') ? s : null;
    });

  test('a generated mesh and its simulations run as jobs, are stored, and repeat exactly with the same seed', async () => {
    const ns = await namespace();
    const gen = await stack.gql(TOPOLOGY, { n: 100, ns: ns.name }, { key: ns.key });
    assert.equal(gen.body.errors, undefined, JSON.stringify(gen.body.errors));
    const topologyId = gen.body.data.generateMeshTopology.id;
    const topology = await waitFor('topology', async () => {
      const t = (await stack.gql('query($id: ID!) { meshTopology(id: $id) { status stats { peers links components } graph { peers { id } links { a b } } } }', { id: topologyId }, { key: ns.key })).body.data.meshTopology;
      return t.status === 'SUCCEEDED' ? t : null;
    });
    assert.equal(topology.stats.peers, 100);
    assert.equal(topology.graph.peers.length, 100);
    assert.equal(topology.graph.links.length, topology.stats.links);

    const input = { namespace: ns.name, topologyId, ttl: 7, failureRate: 0.2, seed: 3 };
    const ids = [];
    for (let i = 0; i < 2; i++) ids.push((await stack.gql(SIMULATE, { i: input }, { key: ns.key })).body.data.simulatePropagation.id);
    const [x, y] = [await waitSim(ids[0], ns.key), await waitSim(ids[1], ns.key)];
    assert.equal(x.status, 'SUCCEEDED', x.error);
    assert.deepEqual(x.report, y.report, 'same seed, same result');
    assert.equal(x.report.source, 'peer-0');
    assert.equal(x.report.nodes, 100);
    assert.ok(x.report.reachability > 0.5 && x.report.reachability <= 1);
    assert.equal(x.report.guideComparison.length, 3, 'a 100-peer mesh is compared with the guide');
    const listed = await stack.gql('query($ns: String) { propagationSimulations(namespace: $ns) { id topology { id nodes } } }', { ns: ns.name }, { key: ns.key });
    assert.deepEqual(listed.body.data.propagationSimulations.map((s: any) => s.id).sort(), [...ids].sort());
    assert.ok(listed.body.data.propagationSimulations.every((s: any) => s.topology.id === topologyId && s.topology.nodes === 100));
  });

  test('limits are checked before any work; the registered mesh can be simulated too', async () => {
    const ns = await namespace();
    const big = await stack.gql(TOPOLOGY, { n: 501, ns: ns.name }, { key: ns.key });
    assert.equal(big.body.errors[0].extensions.code, 'BAD_USER_INPUT');
    assert.match(big.body.errors[0].message, /at most 500/);
    const ttl = await stack.gql(SIMULATE, { i: { namespace: ns.name, ttl: 17, failureRate: 0, seed: 1 } }, { key: ns.key });
    assert.equal(ttl.body.errors[0].extensions.code, 'BAD_USER_INPUT');
    assert.match(ttl.body.errors[0].message, /ttl/);
    const rate = await stack.gql(SIMULATE, { i: { namespace: ns.name, ttl: 3, failureRate: 1, seed: 1 } }, { key: ns.key });
    assert.equal(rate.body.errors[0].extensions.code, 'BAD_USER_INPUT');
    assert.equal(await stack.db.prisma.propagationSimulation.count({ where: { namespace: { name: ns.name } } }), 0, 'nothing stored for refused requests');

    const [a, b, c] = [await register(ns, 'a'), await register(ns, 'b'), await register(ns, 'c')];
    await send(ns, [heartbeat(a), heartbeat(b), heartbeat(c), links(a, [{ to: b, latencyMs: 4 }]), links(b, [{ to: c, latencyMs: 6 }])]);
    const sim = await stack.gql(SIMULATE, { i: { namespace: ns.name, source: a.id, ttl: 4, failureRate: 0, seed: 1 } }, { key: ns.key });
    assert.equal(sim.body.errors, undefined, JSON.stringify(sim.body.errors));
    const done = await waitSim(sim.body.data.simulatePropagation.id, ns.key);
    assert.equal(done.status, 'SUCCEEDED', done.error);
    assert.equal(done.report.informedNodes, 3);
    assert.equal(done.report.hopsMax, 2);
    assert.equal(done.report.guideComparison, null);
  });
});
