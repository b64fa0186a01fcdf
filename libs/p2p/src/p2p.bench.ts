/**
 * Figures for the README: `node libs/p2p/dist/p2p.bench.js`.
 * Route p50/p95 on 10,000 peers, 10,000-node gossip wall time, the guide's 100-node scenario.
 */
import { bestRoute, lastSearchStats } from './route.js';
import { generateTopology } from './topology.js';
import { indexGraph } from './graph.js';
import { simulatePropagation } from './propagation.js';
import { runGuideScenario } from './scenario.js';
import { createPrng } from '@aivillage/models/prng';

const mix = { ble: 0.4, htx: 0.3, quic: 0.3 };
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

let t0 = performance.now();
const g = generateTopology({ nodes: 10_000, degree: 6, transportMix: mix, seed: 1 });
const genMs = performance.now() - t0;
t0 = performance.now();
const ix = indexGraph(g);
const indexMs = performance.now() - t0;
console.log(`topology 10,000 peers, ${g.links.length} links: generate ${genMs.toFixed(0)} ms, index ${indexMs.toFixed(0)} ms`);

for (const maxHops of [7, 10, 16]) {
  const prng = createPrng(123);
  const times: number[] = [];
  const labels: number[] = [];
  let found = 0;
  for (let q = -50; q < 500; q++) {
    const a = `peer-${prng.int(10_000)}`;
    const b = `peer-${prng.int(10_000)}`;
    if (a === b) continue;
    const t = performance.now();
    const r = bestRoute(ix, a, b, { messageSize: 4096, maxHops, alternatives: 3 });
    const dt = performance.now() - t;
    if (q < 0) continue; // warm-up
    times.push(dt);
    labels.push(lastSearchStats.labels);
    if (r.found) found++;
  }
  console.log(
    `bestRoute maxHops ${maxHops}, 3 alternatives, ${times.length} random pairs: p50 ${pct(times, 0.5).toFixed(2)} ms, ` +
      `p95 ${pct(times, 0.95).toFixed(2)} ms, max ${Math.max(...times).toFixed(1)} ms; found ${found}; labels p95 ${pct(labels, 0.95)}`,
  );
}

for (const failureRate of [0, 0.2]) {
  const runs: number[] = [];
  let last;
  for (let s = 0; s < 5; s++) {
    const t = performance.now();
    last = simulatePropagation(ix, { source: 'peer-0', ttl: 16, failureRate, seed: s });
    runs.push(performance.now() - t);
  }
  const r = last!;
  console.log(
    `simulatePropagation 10,000 nodes, ttl 16, failure ${failureRate}: wall p50 ${pct(runs, 0.5).toFixed(0)} ms (max ${Math.max(...runs).toFixed(0)}); ` +
      `reach ${(r.reachability * 100).toFixed(1)}%, t50/t95/t100 of live ${r.timeToLive.p50?.toFixed(0)}/${r.timeToLive.p95?.toFixed(0)}/${r.timeToLive.p100?.toFixed(0) ?? '—'} ms, ` +
      `hops avg ${r.hops.avg.toFixed(1)} max ${r.hops.max}, efficiency ${(r.bandwidthEfficiency * 100).toFixed(1)}%, ${r.transmissions} transmissions`,
  );
}

for (const fanout of [undefined, 2]) {
  const rep = runGuideScenario({ seeds: 50, fanout });
  console.log(`\nGuide 100-node mesh, ${rep.options.seeds} seeds, degree ${rep.options.degree}, ttl ${rep.options.ttl}, ${rep.options.messageSize} B, fanout ${rep.options.fanout ?? 'all'}:`);
  for (const row of rep.rows) {
    const f = (x: number | null) => (x === null ? 'not modelled' : row.unit === 'ms' ? `${x.toFixed(0)} ms` : `${(x * 100).toFixed(1)}%`);
    console.log(`  ${row.metric.padEnd(56)} guide ${f(row.guide).padStart(8)}  model ${f(row.model).padStart(12)}  ${row.note}`);
  }
}
