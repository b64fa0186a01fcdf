/**
 * Figures for the README: `node libs/fog/dist/fog.bench.js`. Prints one table: each figure's
 * median and p95, a baseline measured in the same run, and the ratio.
 *   - planAssignments, 10,000 queued fog jobs × 50 nodes, vs a naive FIFO first-fit pass
 *   - runWasi of hello world (worker spawn, compile, run, cleanup) vs node:wasi in this thread
 *   - WasiSandboxPool.run of hello world (a fresh instance in a pooled thread, module compiled once) vs the same
 *   - a CPU-bound guest (50 M LCG steps) vs the same loop in JavaScript
 *   - monthlyInvoice over 100,000 usage records vs summing their GPU-seconds
 */
import { WASI } from 'node:wasi';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCluster } from './fixtures/fog-cluster.js';
import { busyLoop, busyLoopExpected, helloWorld } from './fixtures/wasi-modules.js';
import { isSchedulable } from './fog-node.js';
import { monthlyInvoice, type UsageRecord } from './cost.js';
import { planAssignments, type PlanState } from './scheduler.js';
import { TIERS } from './tiers.js';
import { WasiSandboxPool } from './wasi-pool.js';
import { runWasi } from './wasi-sandbox.js';
import { wasm } from './wasm-api.js';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const rows: string[][] = [];

async function measure(runs: number, warmup: number, fn: () => unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = -warmup; i < runs; i++) {
    const t = performance.now();
    await fn();
    if (i >= 0) times.push(performance.now() - t);
  }
  return times;
}

function row(figure: string, xs: number[], baselineName: string, base: number[]): void {
  const m = pct(xs, 0.5);
  const b = pct(base, 0.5);
  rows.push([figure, `${m.toFixed(2)} ms`, `${pct(xs, 0.95).toFixed(2)} ms`, `${baselineName}: ${b.toFixed(2)} ms`, `${(m / b).toFixed(1)}×`]);
}

/** The baseline scheduler: FIFO by submit time, first node with room, no tiers, fairness or quota. */
function naiveFirstFit(state: PlanState): number {
  const free = state.nodes.filter(isSchedulable).map((n) => ({ n, ...n.capacity }));
  let placed = 0;
  for (const j of [...state.queuedJobs].sort((a, b) => a.submittedAt - b.submittedAt)) {
    const f = free.find((x) => x.cpuCores >= j.request.cpuCores && x.memoryMb >= j.request.memoryMb && x.gpus >= j.request.gpus && x.n.runtimes.includes(j.runtime));
    if (!f) continue;
    f.cpuCores -= j.request.cpuCores;
    f.memoryMb -= j.request.memoryMb;
    f.gpus -= j.request.gpus;
    placed++;
  }
  return placed;
}

// Scheduler
const state = generateCluster({ nodes: 50, queuedJobs: 10_000, namespaces: 40, runningJobs: 300, seed: 7 });
let t = performance.now();
const first = planAssignments(state);
const coldMs = performance.now() - t;
row('planAssignments 10k jobs × 50 nodes', await measure(30, 5, () => planAssignments(state)), 'naive FIFO first-fit', await measure(30, 5, () => naiveFirstFit(state)));
rows.push(['  first (cold) call', `${coldMs.toFixed(2)} ms`, '', `${first.assignments.length} assigned, ${first.held.length} held`, '']);

// Sandbox start-up overhead
const hello = helloWorld();
const nullFd = openSync(devNull, 'w');
const inThread = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fog-bench-'));
  const wasi = new WASI({ version: 'preview1', args: ['job'], env: {}, preopens: { '/tmp': dir }, returnOnExit: true, stdout: nullFd });
  const instance = await wasm.instantiate(await wasm.compile(hello), wasi.getImportObject());
  wasi.start(instance);
  rmSync(dir, { recursive: true });
};
const sandboxed = await measure(20, 3, () => runWasi(hello));
const base = await measure(20, 3, inThread);
row('runWasi hello world (total)', sandboxed, 'node:wasi in this thread', base);
const pool = new WasiSandboxPool({ size: 1 });
await pool.ready();
row('WasiSandboxPool.run hello world (total)', await measure(200, 20, () => pool.run(hello)), 'node:wasi in this thread', base);
await pool.close();

// CPU-bound guest
const N = 50_000_000;
const busy = busyLoop();
let lastCpu = 0;
let lastRun = 0;
const guest = await measure(5, 1, async () => {
  const r = await runWasi(busy, { args: ['busy', String(N)] });
  if (new TextDecoder().decode(r.stdout) !== `${busyLoopExpected(N)}\n`) throw new Error('wrong answer');
  lastCpu = r.cpuMs ?? NaN;
  lastRun = r.timings.runMs ?? NaN;
});
row(`runWasi ${N / 1e6} M LCG steps (total)`, guest, 'same loop in JS', await measure(5, 1, () => busyLoopExpected(N)));
rows.push(['  of which _start (last run)', `${lastRun.toFixed(1)} ms`, '', `thread CPU ${lastCpu.toFixed(1)} ms`, '']);

// Invoices
const day = Date.UTC(2026, 0, 1);
const records: UsageRecord[] = Array.from({ length: 100_000 }, (_, i) => ({
  namespace: `ns-${i % 10}`,
  tier: TIERS[i % 4],
  startedAt: day + (i % 30) * 86_400_000 + 3_600_000,
  endedAt: day + (i % 30) * 86_400_000 + 7_200_000,
  cpuCoreSeconds: 3600 * ((i % 8) + 1),
  gpuSeconds: i % 5 === 0 ? 3600 : 0,
  memoryGbSeconds: 3600 * 16,
}));
let total = 0;
row(
  'monthlyInvoice over 100k records',
  await measure(10, 2, () => monthlyInvoice(records, 'ns-3', '2026-01')),
  'sum of GPU-seconds',
  await measure(10, 2, () => (total = records.reduce((s, r) => s + (r.namespace === 'ns-3' ? r.gpuSeconds : 0), 0))),
);
void total;

const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...[['figure', 'median', 'p95', 'baseline (median)', 'ratio'], ...rows].map((r) => r[c].length)));
const print = (r: string[]) => console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
print(['figure', 'median', 'p95', 'baseline (median)', 'ratio']);
for (const r of rows) print(r);
