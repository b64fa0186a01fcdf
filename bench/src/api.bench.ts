/**
 * API benchmark against a RUNNING stack (API + workers + Postgres + Redis):
 *   node bench/dist/api.bench.js [--url http://127.0.0.1:4000] [--quick] [--api-key av_...]
 * Credentials: see lib/credentials.ts (a given PLATINUM key, none, or a key of its own).
 * Figures (each with a baseline measured in the same run, and the ratio):
 *   1. the guide's case: 1,000 open connections, 1,000 platformStatus requests/s in total,
 *      as autocannon's overallRate sends it (connections fire in lockstep) and paced;
 *      baseline: the same load on a bare graphql-js server doing the same round trips;
 *   2. the highest platformStatus rate whose p95 stays under 100 ms (closed-loop search),
 *      beside the bare graphql-js server;
 *   3. systemMetrics fan-out to 1,000 WebSocket subscribers: delivery lag and count;
 *      baseline: the lag seen by a single subscriber.
 * Prints a table (stdout; progress goes to stderr) and writes bench/results/api-<time>.json.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { obtainCredentials, type Credentials } from './lib/credentials.js';
import { runLoad, runPacedLoad, searchMaxRate, type LoadResult, type RateSearch, type Target } from './lib/http-load.js';
import { readTcpCounters, tcpDelta, type TcpCounters } from './lib/netstat.js';
import { machineCpuS, snapshotCpu, topCpu } from './lib/proc-cpu.js';
import { median } from './lib/stats.js';
import { ms, pct, ratio, renderTable } from './lib/table.js';
import { measureFanout, parseReceived, sleep, subscribe, type FanoutResult, type Subscriber } from './lib/ws-subscribers.js';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'api-key': { type: 'string' },
    namespace: { type: 'string' },
  },
});
const quick = args.quick ?? false;
const baseUrl = (args.url ?? process.env.API_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '').replace(/\/graphql$/, '');
const graphqlUrl = `${baseUrl}/graphql`;
const wsUrl = graphqlUrl.replace(/^http/, 'ws');

/** Phase lengths in seconds; --quick keeps the whole run under a minute. */
const plan = quick
  ? { warmupS: 2, baselineWarmupS: 1, guideS: 10, guideBaselineS: 3, pacedS: 4, rampS: 2, pacedRampS: 0.5, searchStepS: 1, searchRampS: 0.2, fanoutOneS: 1.5, fanoutS: 3, settleS: 0.5, graceS: 1, pauseMs: 300 }
  : { warmupS: 5, baselineWarmupS: 3, guideS: 20, guideBaselineS: 20, pacedS: 15, rampS: 2, pacedRampS: 1, searchStepS: 5, searchRampS: 1, fanoutOneS: 5, fanoutS: 10, settleS: 1.5, graceS: 2, pauseMs: 1500 };
const GUIDE = { connections: 1000, rate: 1000 };
const SEARCH_CONNECTIONS = quick ? [8, 16, 32, 64, 128, 256] : [8, 16, 32, 64, 128, 256, 512, 1024];
const P95_LIMIT_MS = 100;
const SUBSCRIBERS = 1000;
/** Instances the paced variant splits the 1,000 connections into (started 1000/N ms apart). */
const PACED_GROUPS = 100;

const STATUS_QUERY =
  'query PlatformStatusBench { platformStatus { version healthy uptimeSeconds postgres { ok latencyMs } redis { ok latencyMs } queues { name ok latencyMs waiting workers } } }';

const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

function target(url: string, apiKey: string | null = null): Target {
  return {
    url,
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
    body: JSON.stringify({ query: STATUS_QUERY, operationName: 'PlatformStatusBench' }),
    isSuccess: (body) => body.includes('"platformStatus":{') && !body.includes('"errors":'),
  };
}

const describe = (r: LoadResult) =>
  `${r.connections} conns${r.targetRate ? ` @${r.targetRate}/s` : ''}: ${r.achievedRps.toFixed(0)} req/s, p50 ${ms(r.latency.p50)} p95 ${ms(r.latency.p95)} p99 ${ms(r.latency.p99)}, errors ${r.badResponses + r.errors}/${r.total}`;

interface StatusProbe {
  healthy: boolean;
  queues: { name: string; workers: number }[];
}

async function preflight(t: Target): Promise<StatusProbe> {
  const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...t.headers }, body: t.body });
  const json = (await res.json()) as { data?: { platformStatus: StatusProbe }; errors?: unknown };
  if (!json.data?.platformStatus) throw new Error(`platformStatus failed: HTTP ${res.status} ${JSON.stringify(json.errors)}`);
  return json.data.platformStatus;
}

/** The bare graphql-js server, forked so it has its own event loop like the API. */
async function startBaseline(queues: string[]): Promise<{ child: ChildProcess; url: string }> {
  const entry = fileURLToPath(new URL('./baseline-server.js', import.meta.url));
  const child = fork(entry, [], {
    env: { ...process.env, BASELINE_QUEUES: queues.join(','), BASELINE_PORT: '0' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`baseline server exited (${code})`)));
  });
  return { child, url: `http://127.0.0.1:${port}/graphql` };
}

interface ServerSample {
  timestamp: string;
  requestsPerSecond: number;
  p95LatencyMs: number | null;
  cpuPercent: number;
  eventLoopLagP99Ms: number;
  activeConnections: number;
}

/** One subscriber reading the API's own systemMetrics while HTTP load runs: what the server saw. */
class ServerMonitor {
  private sub?: Subscriber;
  async start(connectionParams: Record<string, unknown>): Promise<void> {
    this.sub = await subscribe(
      wsUrl,
      'subscription { systemMetrics(intervalMs: 1000) { timestamp requestsPerSecond p95LatencyMs cpuPercent eventLoopLagP99Ms activeConnections } }',
      connectionParams,
    );
  }
  /** Medians over the samples stamped between `from` and `to` (epoch ms). */
  window(from: number, to: number) {
    if (!this.sub) return undefined;
    const samples = parseReceived<{ systemMetrics: ServerSample }>(this.sub)
      .items.map((i) => i.data.systemMetrics)
      .filter((s) => Date.parse(s.timestamp) > from && Date.parse(s.timestamp) <= to);
    if (!samples.length) return undefined;
    const med = (f: (s: ServerSample) => number | null) => median(samples.map(f).filter((v): v is number => v !== null));
    return {
      samples: samples.length,
      requestsPerSecond: med((s) => s.requestsPerSecond),
      p95LatencyMs: med((s) => s.p95LatencyMs),
      cpuPercent: med((s) => s.cpuPercent),
      eventLoopLagP99Ms: med((s) => s.eventLoopLagP99Ms),
      activeConnections: med((s) => s.activeConnections),
    };
  }
  stop(): void {
    this.sub?.socket.terminate();
  }
}

async function timedWindow<T>(fn: () => Promise<T>): Promise<{ result: T; from: number; to: number }> {
  const from = Date.now();
  const result = await fn();
  return { result, from, to: Date.now() };
}

async function main(credentials: Credentials): Promise<void> {
  const benchStarted = Date.now();
  const cpuBefore = snapshotCpu();
  const machineBefore = machineCpuS();
  let cpuBeforeBaselineStop: ReturnType<typeof snapshotCpu>;
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  console.log(`API bench${quick ? ' (--quick)' : ''} against ${graphqlUrl}`);
  console.log(`machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.platform}`);
  const loadBefore = os.loadavg();
  console.log(`load average at start: ${loadBefore.map((l) => l.toFixed(2)).join(' ')} (anything else running on these CPUs skews every figure)`);
  console.log('load generator, WebSocket clients, API, Postgres and Redis all share these CPUs.\n');

  console.log(`credentials: ${credentials.source}`);
  const platform = target(graphqlUrl, credentials.apiKey);
  const connectionParams = credentials.apiKey ? { apiKey: credentials.apiKey } : {};
  const status = await preflight(platform);
  const queueNames = status.queues.map((q) => q.name);
  if (!status.healthy) log('warning: platformStatus reports healthy=false (are the workers running?)');

  const monitor = new ServerMonitor();
  await monitor.start(connectionParams);

  log(`warm-up: ${plan.warmupS}s closed loop, 32 connections`);
  await runLoad(platform, { connections: 32, durationS: plan.warmupS, rampS: 0 });
  await sleep(plan.pauseMs);

  log(`1. guide case (autocannon overallRate): ${GUIDE.connections} connections, ${GUIDE.rate} req/s, ${plan.guideS}s`);
  let tcp = readTcpCounters();
  const guide = await timedWindow(() =>
    runLoad(platform, { connections: GUIDE.connections, overallRate: GUIDE.rate, durationS: plan.guideS, rampS: plan.rampS }),
  );
  const guideTcp = tcpDelta(tcp, readTcpCounters());
  log(`   platform: ${describe(guide.result)}`);
  const guideServer = monitor.window(guide.from + plan.rampS * 1000, guide.to);
  await sleep(plan.pauseMs);

  log(`1b. same load paced over ${PACED_GROUPS} staggered instances, ${plan.pacedS}s`);
  tcp = readTcpCounters();
  const paced = await timedWindow(() =>
    runPacedLoad(platform, { connections: GUIDE.connections, overallRate: GUIDE.rate, durationS: plan.pacedS, rampS: plan.pacedRampS, groups: PACED_GROUPS }),
  );
  const pacedTcp = tcpDelta(tcp, readTcpCounters());
  log(`   platform: ${describe(paced.result)}`);
  const pacedServer = monitor.window(paced.from + 1000 + plan.pacedRampS * 1000, paced.to);
  await sleep(plan.pauseMs);

  log('starting the bare graphql-js baseline server');
  const baseline = await startBaseline(queueNames);
  const bare = target(baseline.url);
  let guideBase: LoadResult, pacedBase: LoadResult, searchPlatform: RateSearch, searchBase: RateSearch;
  try {
    await runLoad(bare, { connections: 32, durationS: plan.baselineWarmupS, rampS: 0 });
    await sleep(plan.pauseMs);
    guideBase = await runLoad(bare, { connections: GUIDE.connections, overallRate: GUIDE.rate, durationS: plan.guideBaselineS, rampS: plan.rampS });
    log(`   baseline (guide case): ${describe(guideBase)}`);
    await sleep(plan.pauseMs);
    pacedBase = await runPacedLoad(bare, { connections: GUIDE.connections, overallRate: GUIDE.rate, durationS: plan.pacedS, rampS: plan.pacedRampS, groups: PACED_GROUPS });
    log(`   baseline (paced): ${describe(pacedBase)}`);
    await sleep(plan.pauseMs);

    const searchOpts = { connections: SEARCH_CONNECTIONS, stepS: plan.searchStepS, rampS: plan.searchRampS, p95LimitMs: P95_LIMIT_MS };
    log(`2. max rate with p95 < ${P95_LIMIT_MS} ms: closed loop, connections ${SEARCH_CONNECTIONS.join('/')}, ${plan.searchStepS}s steps`);
    searchPlatform = await searchMaxRate(platform, searchOpts, (s) => log(`   platform ${describe(s)}`));
    await sleep(plan.pauseMs);
    searchBase = await searchMaxRate(bare, searchOpts, (s) => log(`   baseline ${describe(s)}`));
  } finally {
    cpuBeforeBaselineStop = snapshotCpu();
    baseline.child.kill('SIGTERM');
    monitor.stop();
  }
  await sleep(plan.pauseMs);

  log(`3. systemMetrics fan-out: 1 subscriber for ${plan.fanoutOneS}s, then ${SUBSCRIBERS} for ${plan.fanoutS}s`);
  const fanoutOpts = { settleS: plan.settleS, graceS: plan.graceS, intervalMs: 1000, connectionParams };
  const fanoutOne: FanoutResult = await measureFanout(wsUrl, { ...fanoutOpts, count: 1, collectS: plan.fanoutOneS });
  log(`   1 subscriber: lag p50 ${ms(fanoutOne.lag.p50)} p95 ${ms(fanoutOne.lag.p95)}, ${fanoutOne.delivered}/${fanoutOne.expected}`);
  const fanout: FanoutResult = await measureFanout(wsUrl, { ...fanoutOpts, count: SUBSCRIBERS, collectS: plan.fanoutS });
  log(
    `   ${fanout.subscribers} subscribers (connected in ${fanout.connectS.toFixed(1)}s, ${fanout.failedToSubscribe} failed): lag p50 ${ms(fanout.lag.p50)} p95 ${ms(fanout.lag.p95)} max ${ms(fanout.lag.max)}, ${fanout.delivered}/${fanout.expected}`,
  );

  const g = guide.result;
  const p = paced.result;
  const best = searchPlatform.best;
  const bestBase = searchBase.best;
  const rows = [
    ['1a. platformStatus latency, 1000 conns @1000 req/s (autocannon overallRate)', ms(g.latency.p50), ms(g.latency.p95), ms(g.latency.p99), 'p95 < 100 ms (goal < 25)', `p95 ${ms(guideBase.latency.p95)}`, ratio(g.latency.p95, guideBase.latency.p95)],
    ['1a. error rate (non-2xx + GraphQL errors + transport errors + timeouts)', pct(g.errorRate), '', '', '< 0.1% (goal 0)', pct(guideBase.errorRate), g.errorRate === guideBase.errorRate ? '1.00×' : ratio(g.errorRate, guideBase.errorRate)],
    ['1b. same load, paced (100 instances × 10 conns, 10 ms apart)', ms(p.latency.p50), ms(p.latency.p95), ms(p.latency.p99), 'p95 < 100 ms (goal < 25)', `p95 ${ms(pacedBase.latency.p95)}`, ratio(p.latency.p95, pacedBase.latency.p95)],
    ['1b. error rate', pct(p.errorRate), '', '', '< 0.1% (goal 0)', pct(pacedBase.errorRate), p.errorRate === pacedBase.errorRate ? '1.00×' : ratio(p.errorRate, pacedBase.errorRate)],
    [
      '2. max platformStatus req/s with p95 < 100 ms (closed loop)',
      best ? `${best.achievedRps.toFixed(0)} req/s @${best.connections} conns (p50 ${ms(best.latency.p50)})` : 'none met',
      best ? ms(best.latency.p95) : '',
      best ? ms(best.latency.p99) : '',
      '≥ 1.0× baseline',
      bestBase ? `${bestBase.achievedRps.toFixed(0)} req/s @${bestBase.connections}` : 'none met',
      ratio(best?.achievedRps, bestBase?.achievedRps),
    ],
    ['3. systemMetrics delivery lag, 1000 WS subscribers', ms(fanout.lag.p50), ms(fanout.lag.p95), ms(fanout.lag.p99), 'p95 < 100 ms', `p95 ${ms(fanoutOne.lag.p95)} (1 sub)`, ratio(fanout.lag.p95, fanoutOne.lag.p95)],
    ['3. messages delivered / expected', `${fanout.delivered} / ${fanout.expected}`, '', `max lag ${ms(fanout.lag.max)}`, 'all', `${fanoutOne.delivered} / ${fanoutOne.expected}`, fanout.expected ? `${((fanout.delivered / fanout.expected) * 100).toFixed(1)}%` : 'n/a'],
  ];
  console.log(renderTable(['figure', 'value (median/p50)', 'p95', 'p99', 'target', 'baseline', 'ratio'], rows));

  const stepLine = (s: LoadResult) => `${s.connections}:${s.achievedRps.toFixed(0)}/s p95 ${ms(s.latency.p95)}`;
  const serverLine = (w: ReturnType<ServerMonitor['window']>) =>
    w ? `server saw ${w.requestsPerSecond.toFixed(0)} req/s, its own p95 ${ms(w.p95LatencyMs)}, CPU ${w.cpuPercent.toFixed(0)}%, event-loop lag p99 ${ms(w.eventLoopLagP99Ms)} (medians of ${w.samples} systemMetrics samples)` : 'no systemMetrics samples';
  const tcpLine = (d?: TcpCounters) =>
    d ? `${d.ListenOverflows} accept-queue overflows, ${d.TCPSynRetrans} SYN retransmits (machine-wide)` : 'TCP counters unavailable';
  const loadAfter = os.loadavg();
  const cpuAll = topCpu(cpuBefore, [cpuBeforeBaselineStop, snapshotCpu()], Infinity);
  const cpuUsers = cpuAll.slice(0, 8);
  const machineAfter = machineCpuS();
  const machineS = machineBefore && machineAfter ? machineAfter.busy - machineBefore.busy : undefined;
  const interruptS = machineBefore && machineAfter ? machineAfter.interrupts - machineBefore.interrupts : 0;
  const unseenS = machineS === undefined ? undefined : Math.max(0, machineS - interruptS - cpuAll.reduce((sum, u) => sum + u.cpuS, 0));
  console.log(`
notes:
- ratio = platform / baseline: for latency below 1× means the platform is faster; for req/s above 1× means it serves more.
- baseline = a bare node:http + graphql-js server (bench/src/baseline-server.ts, forked) making the same round trips per
  request: Postgres SELECT 1, Redis PING, worker heartbeat read, a MULTI of queue counts per queue. It probes on every
  request; the platform coalesces concurrent platformStatus probes (single flight), so it can beat the baseline.${
    credentials.apiKey ? `\n  The platform also authenticates every request at the edge (API key → principal; PLATINUM has no limits to admit); the baseline has no auth.` : ''
  }
- latencies are exact percentiles of every response in the window, not autocannon's histogram (whose coordinated-omission
  correction assumes a 1 ms interval under overallRate). Each connection's first request is left out (its clock starts
  before the TCP connect), as is throughput in the first ${plan.rampS}s.
- 1a: autocannon gives each connection 1 req/s on a timer created with the connection, so all ${GUIDE.connections} connections send
  on the same timer tick: one burst of 1,000 requests a second (written as fast as the client can), not a steady
  1,000/s, and the last request of a burst queues behind the 999 before it. 1b paces the same load.
  achieved: 1a ${g.achievedRps.toFixed(0)} req/s (${g.total} requests, ${g.non2xx} non-2xx, ${g.errors} transport errors, ${g.timeouts} timeouts),
  1b ${p.achievedRps.toFixed(0)} req/s (${p.total} requests, ${p.non2xx} non-2xx, ${p.errors} transport errors, ${p.timeouts} timeouts).
  1a ${serverLine(guideServer)}.
  1b ${serverLine(pacedServer)}.
  first request per connection (includes connect): 1a p50 ${ms(g.firstRequest.p50)} p95 ${ms(g.firstRequest.p95)}, 1b p50 ${ms(p.firstRequest.p50)} p95 ${ms(p.firstRequest.p95)};
  1a ${tcpLine(guideTcp)}; 1b ${tcpLine(pacedTcp)}.
- 2 steps (conns:req/s p95): platform ${searchPlatform.steps.map(stepLine).join(', ')}
                             baseline ${searchBase.steps.map(stepLine).join(', ')}
  the search stops at p95 ≥ ${P95_LIMIT_MS} ms, any error, or two steps without +5% throughput (saturated).
- 3: lag = receipt time (stamped first in the client's handler) − the sample's timestamp, for every sample stamped in a
  ${fanout.windowS.toFixed(1)}s window (${fanout.samples} samples), counting deliveries up to ${plan.graceS}s late; ${fanout.failedToSubscribe} subscribers failed to subscribe${fanout.firstError ? ` (first: ${fanout.firstError})` : ''},
  ${fanout.errors} socket/protocol errors; ${SUBSCRIBERS} subscribers connected in ${fanout.connectS.toFixed(1)}s. Per sample (medians): first delivery
  after ${ms(fanout.firstDeliveryMs)}, last after ${ms(fanout.lastDeliveryMs)}. The server stamps a sample before its Redis report/lease/
  HGETALL/queue-count round trips and the pub/sub hop, so the 1-subscriber lag is the floor.
- load average at end: ${loadAfter.map((l) => l.toFixed(2)).join(' ')}; total bench time ${((Date.now() - benchStarted) / 1000).toFixed(0)}s.
- CPU seconds during the run, by process (anything that is not the bench, its baseline child, API, workers, Postgres or
  Redis competed with the measurement): ${cpuUsers.map((u) => `${u.name}${u.processes > 1 ? ` (×${u.processes})` : ''} ${u.cpuS.toFixed(0)}`).join(', ') || 'n/a'}${
    machineS === undefined
      ? ''
      : `;\n  machine total ${machineS.toFixed(0)} of ${(machine.cpus * ((Date.now() - benchStarted) / 1000)).toFixed(0)} available: ${interruptS.toFixed(0)} in interrupts (loopback networking), ${unseenS?.toFixed(0)} by processes that came and went (someone's tests?)`
  }.`);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  const file = `${resultsDir}api-${stamp}.json`;
  writeFileSync(
    file,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        url: graphqlUrl,
        quick,
        machine,
        loadAverage: { start: loadBefore, end: loadAfter },
        cpuSeconds: { byProcess: cpuUsers, machine: machineS, interrupts: interruptS, shortLivedProcesses: unseenS },
        plan,
        guide: { platform: g, baseline: guideBase, server: guideServer, tcp: guideTcp },
        paced: { platform: p, baseline: pacedBase, server: pacedServer, tcp: pacedTcp, groups: PACED_GROUPS },
        maxRate: { p95LimitMs: P95_LIMIT_MS, platform: searchPlatform, baseline: searchBase },
        fanout: { subscribers: fanout, single: fanoutOne },
        table: rows,
        totalS: (Date.now() - benchStarted) / 1000,
      },
      null,
      2,
    ),
  );
  console.log(`\nresults: ${file}`);
}

const env = process.env;
const credentials = await obtainCredentials(baseUrl, {
  apiKey: args['api-key'] ?? env.API_KEY,
  adminEmail: env.ADMIN_EMAIL ?? env.DEMO_ADMIN_EMAIL ?? 'admin@aivillage.local',
  adminPassword: env.ADMIN_PASSWORD ?? env.DEMO_ADMIN_PASSWORD ?? 'aivillage-demo-admin',
  namespace: args.namespace ?? env.BENCH_NAMESPACE ?? 'default',
}).catch((error: Error) => {
  console.error(`api.bench: ${error.message}`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void credentials.release().finally(() => process.exit(130)));
}
main(credentials)
  .then(
    () => 0,
    (error) => {
      console.error(error);
      return 1;
    },
  )
  .then(async (code) => {
    await credentials.release();
    process.exit(code);
  });
