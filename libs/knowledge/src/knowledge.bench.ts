/**
 * Figures for the README: `node libs/knowledge/dist/knowledge.bench.js`.
 * On real data: the State of the Union corpus (chunking, hashing embeddings, extraction) and
 * WordNet 3.1 nouns (graph load, shortest paths and 3-hop neighbourhoods on random pairs).
 * Baselines in the same run: tokenising the same chunks (the embedder's floor), and a plain
 * one-sided BFS for the path queries (what bidirectional search saves).
 */
import { chunkText } from './chunker.js';
import { loadSotu, loadWordNetGraph } from './datasets.js';
import { HashingEmbedder } from './embedder.js';
import { extractGraph } from './extract.js';
import { buildGraphIndex, findPaths, neighbourhood, type GraphIndex } from './graph-search.js';
import { wordSpans } from './tokenize.js';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const row = (figure: string, median: string, p95: string, baseline = '', ratio = '') => console.log(`| ${figure} | ${median} | ${p95} | ${baseline} | ${ratio} |`);

console.log('| figure | median | p95 | baseline | ratio |');
console.log('| --- | --- | --- | --- | --- |');

const docs = loadSotu({ range: [1900, 2021] });
let t0 = performance.now();
const chunks = docs.flatMap((d) => chunkText(d.text, { maxTokens: 200, overlapTokens: 20 }).map((c) => c.text));
const chunkMs = performance.now() - t0;
const chars = docs.reduce((s, d) => s + d.text.length, 0);
row(`chunkText, ${docs.length} addresses (${(chars / 1e6).toFixed(1)} M chars) → ${chunks.length} chunks of ≤ 200 tokens`, `${chunkMs.toFixed(0)} ms total`, '', '', '');

const embedder = new HashingEmbedder();
const batches: number[] = [];
const tokenize: number[] = [];
for (let rep = 0; rep < 3; rep++) {
  for (let b = 0; b < chunks.length; b += 256) {
    const batch = chunks.slice(b, b + 256);
    let t = performance.now();
    for (const c of batch) wordSpans(c);
    tokenize.push((performance.now() - t) / batch.length);
    t = performance.now();
    for (const c of batch) embedder.embedOne(c);
    batches.push((performance.now() - t) / batch.length);
  }
}
const perSec = (ms: number) => `${Math.round(1000 / ms).toLocaleString('en')} chunks/s`;
row('hashing-ngram-v1-d384, ~200-token chunks, one core (per chunk, batches of 256)', `${(pct(batches, 0.5) * 1000).toFixed(0)} µs = ${perSec(pct(batches, 0.5))}`, `${(pct(batches, 0.95) * 1000).toFixed(0)} µs`, `wordSpans ${(pct(tokenize, 0.5) * 1000).toFixed(0)} µs`, `${(pct(batches, 0.5) / pct(tokenize, 0.5)).toFixed(1)}×`);

const extractMs: number[] = [];
for (const d of docs.slice(-40)) {
  const t = performance.now();
  extractGraph(chunkText(d.text));
  extractMs.push(performance.now() - t);
}
row('extractGraph (chunk + extract) per address, last 40 addresses', `${pct(extractMs, 0.5).toFixed(0)} ms`, `${pct(extractMs, 0.95).toFixed(0)} ms`);

t0 = performance.now();
const wn = await loadWordNetGraph({ pos: ['noun'] });
const loadMs = performance.now() - t0;
t0 = performance.now();
const g = buildGraphIndex(wn.relations, wn.entities.map((e) => e.id));
const indexMs = performance.now() - t0;
row(`WordNet nouns: load ${wn.entities.length} synsets, ${wn.relations.length} relations; build CSR`, `${loadMs.toFixed(0)} ms; ${indexMs.toFixed(0)} ms`, '');

/** One-sided BFS to the goal (distance only): the baseline for the path search. */
function plainBfs(ix: GraphIndex, from: string, to: string, maxHops: number): number | null {
  const s = ix.idOf.get(from)!;
  const t = ix.idOf.get(to)!;
  const dist = new Int32Array(ix.nodeCount).fill(-1);
  dist[s] = 0;
  let frontier = [s];
  for (let d = 1; d <= maxHops; d++) {
    const next: number[] = [];
    for (const u of frontier) {
      for (let k = ix.both.offsets[u]; k < ix.both.offsets[u + 1]; k++) {
        const v = ix.both.nbr[k];
        if (dist[v] !== -1) continue;
        if (v === t) return d;
        dist[v] = d;
        next.push(v);
      }
    }
    frontier = next;
  }
  return null;
}

// Pairs that are connected within the bound: from a pseudo-random node (a multiplicative hash of
// the query number) to one of the farthest nodes of its neighbourhood.
for (const maxHops of [3, 5]) {
  const bi: number[] = [];
  const one: number[] = [];
  const lengths: number[] = [];
  for (let q = 0; lengths.length < 200; q++) {
    const a = g.ids[(Math.imul(q + 1, 0x9e3779b1) >>> 0) % g.nodeCount];
    const around = neighbourhood(g, a, { maxHops, limit: 100_000 }).nodes;
    if (around.length === 0) continue;
    const b = around[around.length - 1 - (q % Math.min(10, around.length))].id;
    let t = performance.now();
    const r = findPaths(g, a, b, { maxHops, limit: 10 });
    bi.push(performance.now() - t);
    t = performance.now();
    const d = plainBfs(g, a, b, maxHops);
    one.push(performance.now() - t);
    if (r.hops !== d) throw new Error(`bidirectional ${r.hops} vs plain BFS ${d} for ${a} → ${b}`);
    lengths.push(r.hops!);
  }
  row(
    `findPaths WordNet nouns, all relations both ways, maxHops ${maxHops}, 200 connected pairs (median ${pct(lengths, 0.5)} hops), ≤ 10 paths`,
    `${pct(bi, 0.5).toFixed(2)} ms`,
    `${pct(bi, 0.95).toFixed(2)} ms`,
    `one-sided BFS, distance only: ${pct(one, 0.5).toFixed(2)} ms (p95 ${pct(one, 0.95).toFixed(2)})`,
    `${(pct(one, 0.5) / pct(bi, 0.5)).toFixed(1)}×`,
  );
}

const hood: number[] = [];
for (let q = 0; q < 200; q++) {
  const a = g.ids[(Math.imul(q + 3, 0x9e3779b1) >>> 0) % g.nodeCount];
  const t = performance.now();
  neighbourhood(g, a, { maxHops: 3, limit: 1000 });
  hood.push(performance.now() - t);
}
row('neighbourhood WordNet nouns, 3 hops, limit 1,000, 200 nodes', `${pct(hood, 0.5).toFixed(2)} ms`, `${pct(hood, 0.95).toFixed(2)} ms`);
