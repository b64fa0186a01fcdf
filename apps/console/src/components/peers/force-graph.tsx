'use client';
/**
 * A force-directed graph as SVG, laid out by ui/force-layout.ts in the browser and fitted to
 * the frame's measured width, so nodes and strokes keep their pixel size at any graph size.
 *
 * When the graph changes (a peer joins, a link appears), known nodes keep their positions and
 * the layout only warms up a little, so the picture does not jump. Edges of one transport are
 * one `<path>` (thousands of links stay cheap); parallel edges of a pair are drawn side by
 * side. Nodes are `<circle>`s; a click anywhere on one selects it (one delegated handler).
 *
 * Tests read `data-nodes`, `data-edges` and `data-state` (settling | stable) on the SVG, and
 * each node's `data-id`, `data-kind`, `data-selected` and `data-on-route`.
 */
import { useMemo, type MouseEvent } from 'react';
import { fit, round, scaleFor, useForceLayout, useWidth, type Point } from '@/components/ui/force-layout';
import type { GraphModel } from './mesh-graph-model';
import { TRANSPORT_COLORS, TRANSPORT_ORDER } from './mesh-graph-model';

/** Labels are drawn only on graphs this small (they would cover everything above). */
const MAX_LABELLED_NODES = 40;

export function ForceGraph({
  model,
  selectedId,
  route,
  onSelect,
  testId,
  height = 460,
  ariaLabel,
}: {
  model: GraphModel;
  selectedId: string | null;
  /** Peer ids of a path to highlight, in order. */
  route: readonly string[] | null;
  onSelect: (id: string) => void;
  testId: string;
  height?: number;
  ariaLabel: string;
}) {
  const [frameRef, width] = useWidth(800);
  const { positions, settled } = useForceLayout(model);
  const { radius } = scaleFor(model.nodes.length);
  const labelled = model.nodes.length <= MAX_LABELLED_NODES;
  const onRoute = useMemo(() => new Set(route ?? []), [route]);

  const project = useMemo(() => fit(positions, width, height), [positions, width, height]);
  const at = useMemo(() => {
    const map = new Map<string, Point>();
    for (const [id, p] of positions) map.set(id, project(p));
    return map;
  }, [positions, project]);

  // One path per transport; parallel edges of a pair are shifted sideways by lane.
  const edgePaths = useMemo(() => {
    const parts: Record<string, string[]> = {};
    for (const e of model.edges) {
      const a = at.get(e.source);
      const b = at.get(e.target);
      if (!a || !b) continue;
      const shift = (e.lane - (e.lanes - 1) / 2) * 2.5;
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const dx = (-(b.y - a.y) / len) * shift;
      const dy = ((b.x - a.x) / len) * shift;
      (parts[e.transport] ??= []).push(`M${round(a.x + dx)} ${round(a.y + dy)}L${round(b.x + dx)} ${round(b.y + dy)}`);
    }
    return parts;
  }, [model.edges, at]);

  const routePath = useMemo(() => {
    if (!route || route.length < 2) return null;
    const points = route.map((id) => at.get(id));
    if (points.some((p) => !p)) return null;
    return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(p!.x)} ${round(p!.y)}`).join('');
  }, [route, at]);

  const onClick = (event: MouseEvent<SVGSVGElement>) => {
    const node = (event.target as Element).closest('[data-node-id]');
    const id = node?.getAttribute('data-node-id');
    if (id) onSelect(id);
  };

  return (
    <div ref={frameRef} className="force-graph" style={{ height }}>
      <svg
        className="force-graph__svg"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={ariaLabel}
        data-testid={testId}
        data-nodes={model.nodes.length}
        data-edges={model.edges.length}
        data-state={settled ? 'stable' : 'settling'}
        onClick={onClick}
      >
        <g className="force-graph__edges" fill="none">
          {TRANSPORT_ORDER.map((t) =>
            edgePaths[t] ? (
              <path
                key={t}
                d={edgePaths[t].join('')}
                stroke={TRANSPORT_COLORS[t]}
                strokeOpacity={model.nodes.length > 500 ? 0.35 : 0.7}
                strokeWidth={model.nodes.length > 500 ? 0.8 : 1.6}
                data-testid={`${testId}-edges`}
                data-transport={t}
                data-count={edgePaths[t].length}
              />
            ) : null,
          )}
        </g>
        {routePath ? (
          <path
            className="force-graph__route"
            d={routePath}
            data-testid={`${testId}-route`}
            data-peers={route!.join(',')}
          />
        ) : null}
        <g className="force-graph__nodes">
          {model.nodes.map((n) => {
            const p = at.get(n.id);
            if (!p) return null;
            const selected = n.id === selectedId;
            const routed = onRoute.has(n.id);
            return (
              <g
                key={n.id}
                className="force-graph__node"
                transform={`translate(${round(p.x)} ${round(p.y)})`}
                data-testid={`${testId}-node`}
                data-node-id={n.id}
                data-id={n.id}
                data-kind={n.kind}
                data-selected={selected}
                data-on-route={routed}
              >
                {selected || routed ? (
                  <circle r={radius + 4} className={selected ? 'force-graph__ring' : 'force-graph__ring force-graph__ring--route'} />
                ) : null}
                <circle className="force-graph__body" r={radius} fill={n.color} stroke="#fff" strokeWidth={radius > 3 ? 1.5 : 0.5} />
                <title>{n.label}</title>
                {labelled ? (
                  <text x={radius + 4} y={4} className="force-graph__label">
                    {n.label}
                  </text>
                ) : null}
              </g>
            );
          })}
        </g>
      </svg>
    </div>
  );
}
