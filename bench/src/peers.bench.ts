/**
 * Peers benchmark (self-contained: its own API and worker processes in an isolated Postgres
 * schema and Redis prefix):
 *   node bench/dist/peers.bench.js [--nodes 10000] [--quick]
 * A seeded small-world mesh of `--nodes` peers (degree 6; transports 40% BLE, 30% HTX, 30% QUIC)
 * is registered with real Ed25519 keys, brought ONLINE by signed heartbeats and given its links
 * by signed link reports. Figures, each beside a baseline measured in the same run:
 *   1. signed heartbeat ingestion through POST /v1/p2p/messages (batches of 500, 4 in flight)
 *      in messages/s (goal ≥ 5,000/s with the API on 2 cores) — beside the same UPDATEs sent
 *      as raw SQL with pg (no HTTP, no signatures) and Ed25519 verification alone on one core;
 *      and the same through GraphQL `sendPeerMessages`;
 *   2. route computation on the mesh: `Query.route` p50/p95 end to end and the server's search
 *      time (goal p95 < 5 ms) — beside bestRoute in-process on the same graph;
 *   3. a `--nodes` mesh simulation: generateMeshTopology + simulatePropagation through GraphQL
 *      and the worker, mutation → SUCCEEDED (goal < 5 s) — beside simulatePropagation in-process.
 */
import { randomUUID, verify } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  bestRoute, generatePeerKeys, generateTopology, indexGraph, loadPeerGraph, publicKeyObject, signMessage, simulatePropagation, type PeerKeyPair, type SignedMessage,
} from '@aivillage/p2p';
import { startApi, startWorkers } from './lib/processes.js';
import { withIsolatedPlatform } from './lib/isolated-platform.js';
import { median, summarize } from './lib/stats.js';
import { ms, ratio, renderTable } from './lib/table.js';

const { values: args } = parseArgs({ options: { nodes: { type: 'string', default: '10000' }, quick: { type: 'boolean', default: false } } });
const NODES = args.quick ? 2000 : Number(args.nodes);
const ROUNDS = args.quick ? 1 : 3;
const BATCH = 500;
const IN_FLIGHT = 4;
const ROUTES = args.quick ? 100 : 300;
const log = (m: string) => process.stderr.write(`peers-bench: ${m}\n`);

async function gql(url: string, key: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Sends `messages` in batches of BATCH with IN_FLIGHT requests outstanding; resolves with messages/s accepted. */
async function pump(send: (batch: SignedMessage[]) => Promise<number>, messages: SignedMessage[]): Promise<number> {
  const batches: SignedMessage[][] = [];
  for (let i = 0; i < messages.length; i += BATCH) batches.push(messages.slice(i, i + BATCH));
  let next = 0;
  let accepted = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < batches.length) {
      const n = await send(batches[next++]);
      accepted += n; // not `accepted += await …`: that reads `accepted` before the await
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  if (accepted !== messages.length) throw new Error(`only ${accepted} of ${messages.length} messages were accepted`);
  return accepted / seconds;
}

async function main() {
  await withIsolatedPlatform('peers', async ({ db, databaseUrl, key, env, namespaceId, children }) => {
    const platformEnv = { ...env, P2P_PEER_TIMEOUT_MS: '3600000', P2P_MAX_SIM_NODES: String(Math.max(NODES, 20_000)) };
    const api = await startApi(platformEnv);
    children.push(api.child);
    children.push(await startWorkers({ ...platformEnv, WORKER_QUEUES: 'p2p' }));

    // The mesh: a seeded topology, each peer with its own key pair, registered in bulk.
    const mix = { ble: 0.4, htx: 0.3, quic: 0.3 };
    const topology = generateTopology({ nodes: NODES, degree: 6, transportMix: mix, seed: 42 });
    const ids = new Map<string, string>();
    const keys = new Map<string, PeerKeyPair>();
    for (const p of topology.peers) {
      ids.set(p.id, randomUUID());
      keys.set(p.id, generatePeerKeys());
    }
    const sql = new pg.Client({ connectionString: databaseUrl });
    await sql.connect();
    await sql.query(`SET search_path TO "${db.schema}"`);
    await sql.query(
      `INSERT INTO peers (id, namespace_id, public_key, display_name, device_class, transports)
       SELECT u.id, $1::uuid, decode(u.pk, 'base64'), u.name, u.dc::"DeviceClass", '[]'::jsonb
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS u(id, pk, name, dc)`,
      [namespaceId, topology.peers.map((p) => ids.get(p.id)), topology.peers.map((p) => keys.get(p.id)!.publicKey), topology.peers.map((p) => p.id), topology.peers.map((p) => (p.mobile ? 'MOBILE' : 'SERVER'))],
    );
    log(`registered ${NODES} peers (${topology.links.length} links)`);

    const seq = new Map<string, number>();
    const heartbeats = () => topology.peers.map((p) => {
      const s = (seq.get(p.id) ?? 0) + 1;
      seq.set(p.id, s);
      return signMessage(keys.get(p.id)!.privateKey, { type: 'heartbeat', peer: ids.get(p.id)!, seq: s, ts: Date.now(), battery: 50 + (s % 50) });
    });
    const post = async (batch: SignedMessage[]) => {
      const res = await fetch(`${api.url}/v1/p2p/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(batch) });
      const body = (await res.json()) as { accepted: number; rejected: unknown[] };
      if (res.status !== 200 || body.rejected.length) throw new Error(`${res.status} ${JSON.stringify(body).slice(0, 500)}`);
      return body.accepted;
    };
    const viaGraphql = async (batch: SignedMessage[]) =>
      (await gql(api.url, key, 'mutation($m: [SignedPeerMessageInput!]!) { sendPeerMessages(messages: $m) { accepted } }', { m: batch })).sendPeerMessages.accepted as number;

    // Everyone ONLINE, then every peer reports its links (both directions of each link).
    await pump(post, heartbeats());
    const outgoing = new Map<string, { to: string; transport: 'ble' | 'htx' | 'quic'; latencyMs: number; throughputMbps: number; successRate: number }[]>();
    for (const l of topology.links) {
      for (const [from, to] of [[l.a, l.b], [l.b, l.a]]) {
        const list = outgoing.get(from) ?? [];
        for (const t of l.transports) list.push({ to: ids.get(to)!, transport: t.transport, latencyMs: t.latencyMs, throughputMbps: t.throughputMbps, successRate: t.successRate });
        outgoing.set(from, list);
      }
    }
    const reports = topology.peers.filter((p) => outgoing.has(p.id)).map((p) => {
      const s = (seq.get(p.id) ?? 0) + 1;
      seq.set(p.id, s);
      return signMessage(keys.get(p.id)!.privateKey, { type: 'links', peer: ids.get(p.id)!, seq: s, ts: Date.now(), links: outgoing.get(p.id)! });
    });
    const linkRate = await pump(post, reports);
    log(`link reports: ${linkRate.toFixed(0)} messages/s`);

    // 1. Heartbeat ingestion: pre-signed rounds, HTTP and GraphQL alternating; raw SQL and verify alone beside.
    const httpRates: number[] = [];
    const gqlRates: number[] = [];
    const rawRates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      httpRates.push(await pump(post, heartbeats()));
      gqlRates.push(await pump(viaGraphql, heartbeats()));
      const rows = topology.peers.map((p) => ({ id: ids.get(p.id)!, seq: (seq.get(p.id) ?? 0) + 1 }));
      for (const p of topology.peers) seq.set(p.id, (seq.get(p.id) ?? 0) + 1);
      let next = 0;
      const pool = await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
        const c = new pg.Client({ connectionString: databaseUrl });
        await c.connect();
        await c.query(`SET search_path TO "${db.schema}"`);
        return c;
      }));
      const started = performance.now();
      await Promise.all(pool.map(async (c) => {
        while (next < rows.length) {
          const batch = rows.slice(next, (next += BATCH));
          await c.query(
            `UPDATE peers p SET last_seq = u.seq, last_seen_at = now(), status = 'ONLINE', heartbeats = p.heartbeats + 1, battery_percent = 75
             FROM unnest($1::uuid[], $2::bigint[]) AS u(id, seq) WHERE p.id = u.id AND p.last_seq < u.seq`,
            [batch.map((b) => b.id), batch.map((b) => b.seq)],
          );
        }
      }));
      rawRates.push(rows.length / ((performance.now() - started) / 1000));
      await Promise.all(pool.map((c) => c.end()));
      log(`round ${r + 1}: HTTP ${httpRates.at(-1)!.toFixed(0)}/s, GraphQL ${gqlRates.at(-1)!.toFixed(0)}/s, raw SQL ${rawRates.at(-1)!.toFixed(0)}/s`);
    }
    // Verification alone, on this process's one core: the floor of what signatures cost.
    const sample = heartbeats().slice(0, 5000);
    const publicKeyOf = new Map(topology.peers.map((p) => [ids.get(p.id)!, publicKeyObject(Buffer.from(keys.get(p.id)!.publicKey, 'base64'))]));
    const pubs = sample.map((m) => publicKeyOf.get(m.peerId)!);
    let t0 = performance.now();
    for (let i = 0; i < sample.length; i++) verify(null, Buffer.from(sample[i].payload), pubs[i], Buffer.from(sample[i].signature!, 'base64'));
    const verifyRate = sample.length / ((performance.now() - t0) / 1000);

    // 2. Routes between random peer pairs (seeded), end to end and in-process on the same graph.
    const snapshot = await loadPeerGraph(db.prisma, namespaceId);
    const index = indexGraph(snapshot.graph);
    let state = 12345;
    const rand = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pairs: [string, string][] = [];
    while (pairs.length < ROUTES) {
      const a = topology.peers[Math.floor(rand() * NODES)].id;
      const b = topology.peers[Math.floor(rand() * NODES)].id;
      if (a !== b) pairs.push([ids.get(a)!, ids.get(b)!]);
    }
    const ROUTE = 'query($f: ID!, $t: ID!) { route(from: $f, to: $t, messageSize: 1024) { best { peers score } computeMs } }';
    const noop: number[] = [];
    await gql(api.url, key, ROUTE, { f: pairs[0][0], t: pairs[0][1] }); // loads the graph once
    const e2e: number[] = [];
    const serverMs: number[] = [];
    const local: number[] = [];
    let noRoute = 0;
    let agree = 0;
    for (const [f, t] of pairs) {
      const t1 = performance.now();
      let best: any = null;
      try {
        const d = await gql(api.url, key, ROUTE, { f, t });
        e2e.push(performance.now() - t1);
        serverMs.push(d.route.computeMs);
        best = d.route.best;
      } catch (error) {
        if (!String(error).includes('NO_ROUTE')) throw error;
        noRoute++;
      }
      const t4 = performance.now();
      await gql(api.url, key, '{ __typename }');
      noop.push(performance.now() - t4);
      const t2 = performance.now();
      const r = bestRoute(index, f, t, { messageSize: 1024, maxHops: 7, alternatives: 3 });
      local.push(performance.now() - t2);
      if (r.found && best && Math.abs(r.best.score - best.score) < 1e-9) agree++;
    }
    const routeE2e = summarize(e2e);
    const routeServer = summarize(serverMs);
    const routeLocal = summarize(local);
    const noopE2e = summarize(noop);

    // 3. A NODES-peer mesh simulation through GraphQL and the worker, and in-process.
    t0 = performance.now();
    const { generateMeshTopology: gen } = await gql(api.url, key, `mutation { generateMeshTopology(nodes: ${NODES}, degree: 6, transportMix: { ble: 0.4, htx: 0.3, quic: 0.3 }, seed: 42) { id } }`);
    const { simulatePropagation: sim } = await gql(api.url, key, 'mutation($i: SimulatePropagationInput!) { simulatePropagation(input: $i) { id } }', { i: { topologyId: gen.id, ttl: 16, failureRate: 0.2, seed: 1 } });
    let report: any;
    for (;;) {
      const { propagationSimulation: s } = await gql(api.url, key, 'query($id: ID!) { propagationSimulation(id: $id) { status error durationMs report { informedNodes reachability avgPropagationMs timeToLive { p50 p95 p100 } graphMs simulateMs } } }', { id: sim.id });
      if (s.status === 'FAILED') throw new Error(s.error);
      if (s.status === 'SUCCEEDED') {
        report = s;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const simWall = performance.now() - t0;
    const { meshTopology: topo } = await gql(api.url, key, 'query($id: ID!) { meshTopology(id: $id) { durationMs createdAt finishedAt } }', { id: gen.id });
    const { propagationSimulation: simRow } = await gql(api.url, key, 'query($id: ID!) { propagationSimulation(id: $id) { createdAt startedAt finishedAt } }', { id: sim.id });
    const legs = {
      generateMs: topo.durationMs as number,
      simulationQueuedMs: Date.parse(simRow.startedAt) - Date.parse(simRow.createdAt),
      simulationRunMs: Date.parse(simRow.finishedAt) - Date.parse(simRow.startedAt),
    };
    t0 = performance.now();
    const localGraph = generateTopology({ nodes: NODES, degree: 6, transportMix: mix, seed: 42 });
    const t3 = performance.now();
    const localSim = simulatePropagation(localGraph, { source: 'peer-0', ttl: 16, failureRate: 0.2, seed: 1 });
    const localSimMs = performance.now() - t3;
    const localTotal = performance.now() - t0;
    await sql.end();

    const hb = median(httpRates);
    console.log(`\nPeers benchmark — ${os.cpus().length} CPUs, Node ${process.version}, ${NODES}-peer seeded mesh (degree 6, ${topology.links.length} links; BLE/HTX/QUIC 40/30/30), API + worker + load generator on the same machine\n`);
    console.log(renderTable(['figure', 'measured', 'baseline (same run)', 'ratio', 'goal'], [
      [`signed heartbeats, POST /v1/p2p/messages (batches of ${BATCH}, ${IN_FLIGHT} in flight), median of ${ROUNDS}`, `${hb.toFixed(0)} msg/s`, `raw SQL UPDATE (pg): ${median(rawRates).toFixed(0)} rows/s`, ratio(hb, median(rawRates)), '≥ 5,000/s'],
      ['signed heartbeats, GraphQL sendPeerMessages (same batches)', `${median(gqlRates).toFixed(0)} msg/s`, `Ed25519 verify alone, 1 core: ${verifyRate.toFixed(0)}/s`, ratio(median(gqlRates), hb), ''],
      ['signed link reports (≈6 links each), POST /v1/p2p/messages', `${linkRate.toFixed(0)} msg/s`, '', '', ''],
      [`Query.route end to end, ${e2e.length} random pairs (${noRoute} NO_ROUTE)`, `p50 ${ms(routeE2e.p50)}, p95 ${ms(routeE2e.p95)}`, `bestRoute in-process: p50 ${ms(routeLocal.p50)}, p95 ${ms(routeLocal.p95)}`, ratio(routeE2e.p95, routeLocal.p95), 'p95 < 5 ms'],
      ['route search inside the API (computeMs)', `p50 ${ms(routeServer.p50)}, p95 ${ms(routeServer.p95)}`, `same best score in-process: ${agree}/${e2e.length}`, ratio(routeServer.p95, routeLocal.p95), 'p95 < 5 ms'],
      ['GraphQL no-op { __typename }, interleaved with the routes', `p50 ${ms(noopE2e.p50)}, p95 ${ms(noopE2e.p95)}`, '', '', ''],
      [`${NODES}-node simulation via GraphQL + worker (generate + simulate, ttl 16, 20% failed)`, ms(simWall), `in-process generate + simulate: ${ms(localTotal)}`, ratio(simWall, localTotal), '< 5 s'],
      ['  of which: generation job / simulation waiting / simulation job', `${ms(legs.generateMs)} / ${ms(legs.simulationQueuedMs)} / ${ms(legs.simulationRunMs)}`, '', '', ''],
      ['  inside the simulation job: graph (cached from generation) / simulation', `${ms(report.report.graphMs)} / ${ms(report.report.simulateMs)}`, `in-process simulation: ${ms(localSimMs)}`, '', ''],
      ['  result (reachability, mean arrival, p95 / p100 to live peers)', `${report.report.reachability.toFixed(4)}, ${ms(report.report.avgPropagationMs)}, ${ms(report.report.timeToLive.p95)} / ${ms(report.report.timeToLive.p100)}`,
        `in-process: ${localSim.reachability.toFixed(4)}, ${ms(localSim.avgPropagationMs)}`, '', 'identical'],
    ]));
    console.log(`\n${JSON.stringify({ nodes: NODES, httpRates, gqlRates, rawRates, verifyRate, linkRate, routeE2e, routeServer, routeLocal, noopE2e, noRoute, agree, simWall, legs, localTotal, localSimMs, report: report.report })}`);
  });
}

await main();
