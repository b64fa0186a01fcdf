import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '@aivillage/errors';
import type { RelationKind } from './graph-model.js';
import { buildGraphIndex, findPaths, MAX_HOPS, neighbourhood, type Direction, type GraphEdgeInput, type GraphIndex } from './graph-search.js';

//   a → b → d → f
//   a → c → d      e (isolated)     c ⇢ f (CAUSAL)
const edges: GraphEdgeInput[] = [
  { source: 'a', target: 'b', kind: 'HIERARCHICAL' },
  { source: 'b', target: 'd', kind: 'HIERARCHICAL' },
  { source: 'a', target: 'c', kind: 'HIERARCHICAL' },
  { source: 'c', target: 'd', kind: 'HIERARCHICAL' },
  { source: 'd', target: 'f', kind: 'HIERARCHICAL' },
  { source: 'c', target: 'f', kind: 'CAUSAL' },
  { source: 'b', target: 'd', kind: 'SEMANTIC' },
];
const g = buildGraphIndex(edges, ['e']);

test('shortest paths come all, in lexicographic order, with the smallest edge index per hop', () => {
  assert.deepEqual(findPaths(g, 'a', 'd'), {
    hops: 2,
    paths: [
      { nodes: ['a', 'b', 'd'], edges: [0, 1] },
      { nodes: ['a', 'c', 'd'], edges: [2, 3] },
    ],
    truncated: false,
  });
  assert.deepEqual(findPaths(g, 'a', 'f').paths, [{ nodes: ['a', 'c', 'f'], edges: [2, 5] }]);
  assert.deepEqual(findPaths(g, 'a', 'a'), { hops: 0, paths: [{ nodes: ['a'], edges: [] }], truncated: false });
});

test('direction, kinds, hop bound and limit restrict the search', () => {
  assert.equal(findPaths(g, 'f', 'a', { direction: 'out' }).hops, null);
  assert.equal(findPaths(g, 'f', 'a', { direction: 'in' }).hops, 2);
  assert.equal(findPaths(g, 'f', 'a').hops, 2);
  assert.deepEqual(findPaths(g, 'a', 'f', { kinds: ['HIERARCHICAL'] }).paths.map((p) => p.nodes.join('')), ['abdf', 'acdf']);
  assert.equal(findPaths(g, 'a', 'f', { kinds: ['HIERARCHICAL'], maxHops: 2 }).hops, null);
  const limited = findPaths(g, 'a', 'd', { limit: 1 });
  assert.deepEqual([limited.paths.length, limited.truncated], [1, true]);
  assert.equal(findPaths(g, 'a', 'e').hops, null);
  // Parallel b → d edges (HIERARCHICAL 1, SEMANTIC 6) make one path; the kind filter picks the edge.
  assert.deepEqual(findPaths(g, 'b', 'd', { kinds: ['SEMANTIC'] }).paths, [{ nodes: ['b', 'd'], edges: [6] }]);
});

test('the neighbourhood lists nodes by distance then id, each with its smallest parent and edge', () => {
  assert.deepEqual(neighbourhood(g, 'a', { direction: 'out', maxHops: 2 }), {
    nodes: [
      { id: 'b', distance: 1, via: { parent: 'a', edge: 0 } },
      { id: 'c', distance: 1, via: { parent: 'a', edge: 2 } },
      { id: 'd', distance: 2, via: { parent: 'b', edge: 1 } },
      { id: 'f', distance: 2, via: { parent: 'c', edge: 5 } },
    ],
    truncated: false,
  });
  const cut = neighbourhood(g, 'a', { direction: 'out', maxHops: 2, limit: 3 });
  assert.deepEqual([cut.nodes.map((n) => n.id), cut.truncated], [['b', 'c', 'd'], true]);
  assert.deepEqual(neighbourhood(g, 'e').nodes, []);
  assert.deepEqual(neighbourhood(g, 'f', { direction: 'in', maxHops: 1 }).nodes.map((n) => n.id), ['c', 'd']);
});

test('hops above 5 are refused with BAD_USER_INPUT, unknown nodes are NOT_FOUND', () => {
  for (const maxHops of [0, MAX_HOPS + 1, 2.5]) {
    assert.throws(() => findPaths(g, 'a', 'd', { maxHops }), (e: unknown) => (e as { code?: string }).code === ErrorCode.BAD_USER_INPUT && /maxHops must be an integer in \[1, 5\]/.test((e as Error).message));
    assert.throws(() => neighbourhood(g, 'a', { maxHops }), /maxHops/);
  }
  assert.throws(() => findPaths(g, 'a', 'zz'), (e: unknown) => (e as { code?: string }).code === ErrorCode.NOT_FOUND);
  assert.throws(() => neighbourhood(g, 'a', { direction: 'up' as Direction }), /direction/);
  assert.throws(() => buildGraphIndex([{ source: 'a', target: 'b', kind: 'OTHER' as RelationKind }]), /unknown kind/);
});

// -- Checked against brute force on irregular graphs ---------------------------------------------

/** A deterministic irregular graph: edge i→j present by a hash of (seed, i, j). */
function hashedGraph(seed: number, n: number, percent: number): GraphEdgeInput[] {
  const out: GraphEdgeInput[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      let h = Math.imul(seed ^ (i * 0x9e3779b1), 0x85ebca6b) ^ Math.imul(j + 1, 0xc2b2ae35);
      h ^= h >>> 15;
      h = Math.imul(h, 0x27d4eb2d) >>> 0;
      if (h % 100 < percent) out.push({ source: `n${String(i).padStart(2, '0')}`, target: `n${String(j).padStart(2, '0')}`, kind: h % 7 === 0 ? 'CAUSAL' : 'SEMANTIC' });
      // Some parallel edges.
      if (h % 100 === 0) out.push({ source: `n${String(i).padStart(2, '0')}`, target: `n${String(j).padStart(2, '0')}`, kind: 'TEMPORAL' });
    }
  }
  return out;
}

function step(edges: readonly GraphEdgeInput[], direction: Direction, kinds?: readonly RelationKind[]): Map<string, Map<string, number>> {
  const next = new Map<string, Map<string, number>>();
  const add = (u: string, v: string, e: number) => {
    let m = next.get(u);
    if (!m) next.set(u, (m = new Map()));
    if (!m.has(v) || m.get(v)! > e) m.set(v, e);
  };
  edges.forEach((e, i) => {
    if (kinds && (!e.kind || !kinds.includes(e.kind))) return;
    if (direction !== 'in') add(e.source, e.target, i);
    if (direction !== 'out') add(e.target, e.source, i);
  });
  return next;
}

/** Every simple path of ≤ maxHops hops, keep the shortest, sort. */
function brutePaths(edges: readonly GraphEdgeInput[], from: string, to: string, maxHops: number, direction: Direction, kinds?: readonly RelationKind[]) {
  const next = step(edges, direction, kinds);
  const found: { nodes: string[]; edges: number[] }[] = [];
  const walk = (nodes: string[], es: number[]) => {
    const u = nodes[nodes.length - 1];
    if (u === to) {
      found.push({ nodes: [...nodes], edges: [...es] });
      return;
    }
    if (es.length === maxHops) return;
    for (const [v, e] of next.get(u) ?? []) {
      if (nodes.includes(v)) continue;
      walk([...nodes, v], [...es, e]);
    }
  };
  walk([from], []);
  if (found.length === 0) return { hops: null, paths: [] };
  const hops = Math.min(...found.map((p) => p.edges.length));
  const paths = found.filter((p) => p.edges.length === hops).sort((a, b) => (a.nodes.join(' ') < b.nodes.join(' ') ? -1 : 1));
  return { hops, paths };
}

function bruteNeighbourhood(edges: readonly GraphEdgeInput[], start: string, maxHops: number, direction: Direction) {
  const next = step(edges, direction);
  const dist = new Map([[start, 0]]);
  let frontier = [start];
  const out: { id: string; distance: number; via: { parent: string; edge: number } }[] = [];
  for (let d = 1; d <= maxHops; d++) {
    const layer = new Map<string, { parent: string; edge: number }>();
    for (const u of [...frontier].sort()) {
      for (const [v, e] of next.get(u) ?? []) {
        if (dist.has(v)) continue;
        const have = layer.get(v);
        if (!have || u < have.parent || (u === have.parent && e < have.edge)) layer.set(v, { parent: u, edge: e });
      }
    }
    const ids = [...layer.keys()].sort();
    for (const v of ids) {
      dist.set(v, d);
      out.push({ id: v, distance: d, via: layer.get(v)! });
    }
    frontier = ids;
  }
  return out;
}

test('findPaths equals brute-force enumeration on irregular graphs, every pair, every direction', () => {
  let compared = 0;
  let withPaths = 0;
  for (const [seed, n, percent] of [[1, 14, 12], [2, 18, 8], [3, 10, 30]] as const) {
    const es = hashedGraph(seed, n, percent);
    const idx = buildGraphIndex(es);
    for (const direction of ['out', 'in', 'both'] as const) {
      for (const maxHops of [2, 4]) {
        for (const from of idx.ids) {
          for (const to of idx.ids) {
            const kinds: RelationKind[] | undefined = (compared % 5 === 0 ? ['SEMANTIC'] : undefined);
            const got = findPaths(idx, from, to, { direction, maxHops, kinds, limit: 1000 });
            const want = from === to ? { hops: 0, paths: [{ nodes: [from], edges: [] }] } : brutePaths(es, from, to, maxHops, direction, kinds);
            assert.deepEqual({ hops: got.hops, paths: got.paths }, want, `${seed} ${direction} ${maxHops} ${from}→${to}`);
            assert.equal(got.truncated, false);
            compared++;
            if (got.paths.length > 1) withPaths++;
          }
        }
      }
    }
  }
  assert.ok(withPaths > 100, `${withPaths} pairs with several shortest paths`);
});

test('neighbourhood equals brute-force BFS on irregular graphs', () => {
  const es = hashedGraph(7, 30, 6);
  const idx: GraphIndex = buildGraphIndex(es);
  for (const direction of ['out', 'in', 'both'] as const) {
    for (const start of idx.ids) {
      assert.deepEqual(neighbourhood(idx, start, { direction, maxHops: 3, limit: 1000 }).nodes, bruteNeighbourhood(es, start, 3, direction), `${direction} ${start}`);
    }
  }
});

test('the result does not depend on the order the edges were given in (beyond edge numbering)', () => {
  const es = hashedGraph(11, 16, 15);
  const reversed = [...es].reverse();
  const a = buildGraphIndex(es);
  const b = buildGraphIndex(reversed);
  for (const [from, to] of [['n00', 'n09'], ['n03', 'n15'], ['n07', 'n01']]) {
    const pa = findPaths(a, from, to, { maxHops: 4, limit: 1000 });
    const pb = findPaths(b, from, to, { maxHops: 4, limit: 1000 });
    assert.deepEqual(pa.paths.map((p) => p.nodes), pb.paths.map((p) => p.nodes));
    // Per hop the smallest edge index in its own numbering: same edge set up to renumbering.
    pa.paths.forEach((p, i) => p.edges.forEach((e, h) => assert.deepEqual([es[e].source, es[e].target].sort(), [reversed[pb.paths[i].edges[h]].source, reversed[pb.paths[i].edges[h]].target].sort())));
  }
});
