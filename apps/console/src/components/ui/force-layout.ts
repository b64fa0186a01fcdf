'use client';
/**
 * Force-directed layout for SVG graphs (the Peers topology, the Knowledge graph explorer).
 * d3-force lays a graph out in the browser only (the server renders an empty frame), a few
 * milliseconds of ticks per turn of the event loop, so a 2,000-node graph settles without
 * freezing the page; each batch is drawn as it comes. When the graph changes, known nodes keep
 * their positions and the layout only warms up a little, so the picture does not jump.
 * `fit` maps the layout into a frame of measured width, so nodes keep their pixel size.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { forceLink, forceManyBody, forceSimulation, forceX, forceY, type SimulationNodeDatum } from 'd3-force';

/** What the layout needs of a graph: node ids and edges between them (`key` unique per edge). */
export interface LayoutModel {
  nodes: readonly { id: string }[];
  edges: readonly { key: string; source: string; target: string }[];
}

interface SimNode extends SimulationNodeDatum {
  id: string;
}

export interface Point {
  x: number;
  y: number;
}

/** Ticks per batch are bounded by time, not count: the page stays responsive at any size. */
const BATCH_BUDGET_MS = 16;
/**
 * Drawing a big graph costs more than ticking it: while it settles, positions are drawn at
 * most this often (small graphs every batch), so the ticks get the time.
 */
const DRAW_EVERY_MS = 300;
const DRAW_EVERY_BATCH_BELOW = 300;
const PADDING_PX = 16;

/**
 * Node radius, link length and layout effort by graph size: big meshes get small dots, short
 * links, a coarser Barnes–Hut approximation (theta) and fewer ticks — measured on a shared
 * 2-core machine, a 2,000-peer mesh ticks in ~5 ms at theta 1.5 against ~18 ms at d3's
 * defaults, and settles in about 150 ticks instead of 300.
 */
export function scaleFor(n: number): { radius: number; distance: number; charge: number; theta: number; ticks: number } {
  if (n > 500) return { radius: 2.5, distance: 18, charge: -12, theta: 1.5, ticks: 150 };
  if (n > 120) return { radius: 4, distance: 26, charge: -30, theta: 1.2, ticks: 200 };
  return { radius: 7, distance: 70, charge: -320, theta: 0.9, ticks: 300 };
}

/** A stable pseudo-random number in [0, 1) from a string (FNV-1a): the same graph starts, and so settles, the same way every time. */
function unit(text: string, salt: number): number {
  let h = (2166136261 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return ((h >>> 0) % 100_003) / 100_003;
}

/** The width of an element, kept up to date. */
export function useWidth(fallback: number): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth || fallback);
    const observer = new ResizeObserver(([entry]) => setWidth(Math.round(entry.contentRect.width) || fallback));
    observer.observe(el);
    return () => observer.disconnect();
  }, [fallback]);
  return [ref, width];
}

/** Runs the layout for `model`, starting from the positions already known; returns the latest positions. */
export function useForceLayout(model: LayoutModel): { positions: ReadonlyMap<string, Point>; settled: boolean } {
  const known = useRef(new Map<string, Point>());
  /** The peers and edges last laid out: a re-read that changed only colours keeps the picture still. */
  const laidOut = useRef('');
  const [layout, setLayout] = useState<{ positions: ReadonlyMap<string, Point>; settled: boolean }>({
    positions: known.current,
    settled: false,
  });

  useEffect(() => {
    const shape = `${model.nodes.map((n) => n.id).join(',')}#${model.edges.map((e) => e.key).join(',')}`;
    if (shape === laidOut.current) return;
    laidOut.current = shape;
    const { distance, charge, theta, ticks } = scaleFor(model.nodes.length);
    const before = known.current;
    const neighbours = new Map<string, string[]>();
    const link = (a: string, b: string) => {
      const list = neighbours.get(a);
      if (list) list.push(b);
      else neighbours.set(a, [b]);
    };
    for (const e of model.edges) {
      link(e.source, e.target);
      link(e.target, e.source);
    }
    // Known nodes stay put; a new one starts beside a placed neighbour, else scattered over
    // the expected extent. (d3's own start, a regular spiral, is symmetric enough to leave a
    // small cycle twisted.)
    const spread = Math.sqrt(model.nodes.length) * distance;
    const nodes: SimNode[] = model.nodes.map((n) => {
      const p = before.get(n.id);
      if (p) return { id: n.id, x: p.x, y: p.y };
      const jx = unit(n.id, 1) - 0.5;
      const jy = unit(n.id, 2) - 0.5;
      const near = neighbours.get(n.id)?.map((id) => before.get(id)).find((q) => q != null);
      return near ? { id: n.id, x: near.x + jx * distance, y: near.y + jy * distance } : { id: n.id, x: jx * spread, y: jy * spread };
    });
    const placed = model.nodes.filter((n) => before.has(n.id)).length;
    const unique = new Map<string, { source: string; target: string }>();
    for (const e of model.edges) unique.set(`${e.source}|${e.target}`, { source: e.source, target: e.target });
    const simulation = forceSimulation(nodes)
      .force('link', forceLink<SimNode, { source: string; target: string }>([...unique.values()]).id((d) => d.id).distance(distance))
      .force('charge', forceManyBody().strength(charge).theta(theta))
      // Weak gravity keeps disconnected peers (and whole components) in the frame.
      .force('x', forceX(0).strength(0.06))
      .force('y', forceY(0).strength(0.06))
      .stop();
    simulation.alphaDecay(1 - Math.pow(simulation.alphaMin(), 1 / ticks));
    // Already laid out: only settle what changed.
    if (placed === nodes.length && placed > 0) simulation.alpha(0.08);
    else if (placed > 0) simulation.alpha(0.4);

    let timer: ReturnType<typeof setTimeout> | undefined;
    let drawnAt = -Infinity;
    const batch = () => {
      const t0 = performance.now();
      while (simulation.alpha() >= simulation.alphaMin() && performance.now() - t0 < BATCH_BUDGET_MS) simulation.tick();
      const settled = simulation.alpha() < simulation.alphaMin();
      const now = performance.now();
      if (settled || nodes.length < DRAW_EVERY_BATCH_BELOW || now - drawnAt >= DRAW_EVERY_MS) {
        drawnAt = now;
        const positions = new Map(nodes.map((n) => [n.id, { x: n.x ?? 0, y: n.y ?? 0 }]));
        known.current = positions;
        setLayout({ positions, settled });
      }
      if (!settled) timer = setTimeout(batch, 0);
    };
    batch();
    return () => {
      clearTimeout(timer);
      // Interrupted before settling: the next run must lay it out again.
      if (simulation.alpha() >= simulation.alphaMin()) laidOut.current = '';
    };
  }, [model]);

  return layout;
}

/** Maps layout coordinates into a `width` × `height` frame, keeping the aspect ratio. */
export function fit(positions: ReadonlyMap<string, Point>, width: number, height: number): (p: Point) => Point {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of positions.values()) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  if (!Number.isFinite(minX)) return () => ({ x: width / 2, y: height / 2 });
  const spanX = Math.max(maxX - minX, 1);
  const spanY = Math.max(maxY - minY, 1);
  const scale = Math.min((width - 2 * PADDING_PX) / spanX, (height - 2 * PADDING_PX) / spanY, 3);
  const offX = (width - spanX * scale) / 2;
  const offY = (height - spanY * scale) / 2;
  return (p) => ({ x: offX + (p.x - minX) * scale, y: offY + (p.y - minY) * scale });
}

export const round = (v: number) => Math.round(v * 10) / 10;
