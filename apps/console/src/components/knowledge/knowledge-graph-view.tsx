'use client';
/**
 * The knowledge graph as SVG, laid out by ui/force-layout.ts (the Peers topology's layout).
 * Entities are circles coloured by type, the centre larger and ringed; relations are arrows
 * subject → object coloured by kind, labelled with their free label while the graph is small
 * enough to read (always on a highlighted path), curved apart when a pair has several. Paths
 * found by the path finder are drawn over a halo. A click on an entity selects it (one
 * delegated handler); the explorer re-centres on it.
 *
 * Tests read `data-nodes`, `data-edges`, `data-state` (settling | stable) and `data-centre` on
 * the SVG, each node's `data-id`, `data-label`, `data-type`, `data-centre`, `data-on-path`, and
 * each edge's `data-kind`, `data-label`, `data-on-path`.
 */
import { useId, useMemo, type MouseEvent } from 'react';
import { fit, round, scaleFor, useForceLayout, useWidth, type Point } from '@/components/ui/force-layout';
import { ENTITY_TYPE_COLORS, RELATION_KIND_COLORS, RELATION_KINDS, type KnowledgeGraphModel, type PathHighlight } from './knowledge-graph-model';

/** Entity names are drawn up to this many nodes, relation labels up to this many edges (beyond, they cover the picture). */
const MAX_LABELLED_NODES = 60;
const MAX_LABELLED_EDGES = 40;
/** Sideways offset between the relations of one pair, in pixels. */
const LANE_PX = 16;

interface DrawnEdge {
  key: string;
  d: string;
  mid: Point;
  kind: KnowledgeGraphModel['edges'][number]['kind'];
  label: string;
  confidence: number;
  onPath: boolean;
}

export function KnowledgeGraphView({
  model,
  highlight,
  onSelect,
  testId,
  height = 520,
  ariaLabel,
}: {
  model: KnowledgeGraphModel;
  highlight: PathHighlight;
  onSelect: (id: string) => void;
  testId: string;
  height?: number;
  ariaLabel: string;
}) {
  const markerId = useId().replace(/:/g, '');
  const [frameRef, width] = useWidth(800);
  const { positions, settled } = useForceLayout(model);
  const { radius } = scaleFor(model.nodes.length);
  const project = useMemo(() => fit(positions, width, height), [positions, width, height]);
  const at = useMemo(() => {
    const map = new Map<string, Point>();
    for (const [id, p] of positions) map.set(id, project(p));
    return map;
  }, [positions, project]);

  const edges = useMemo(() => {
    const out: DrawnEdge[] = [];
    for (const e of model.edges) {
      const a = at.get(e.source);
      const b = at.get(e.target);
      if (!a || !b) continue;
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const shift = (e.lane - (e.lanes - 1) / 2) * LANE_PX;
      // Quadratic curve bent sideways by its lane; straight for a pair's only relation.
      const c = { x: (a.x + b.x) / 2 + (-(b.y - a.y) / len) * shift * 2, y: (a.y + b.y) / 2 + ((b.x - a.x) / len) * shift * 2 };
      // End at the target's rim, so the arrowhead shows.
      const back = Math.hypot(b.x - c.x, b.y - c.y) || 1;
      const rim = radius + (e.target === model.centreId ? 5 : 2);
      const end = { x: b.x - ((b.x - c.x) / back) * rim, y: b.y - ((b.y - c.y) / back) * rim };
      out.push({
        key: e.key,
        d: `M${round(a.x)} ${round(a.y)}Q${round(c.x)} ${round(c.y)} ${round(end.x)} ${round(end.y)}`,
        mid: { x: 0.25 * a.x + 0.5 * c.x + 0.25 * b.x, y: 0.25 * a.y + 0.5 * c.y + 0.25 * b.y },
        kind: e.kind,
        label: e.label,
        confidence: e.confidence,
        onPath: highlight.edges.has(e.key),
      });
    }
    return out;
  }, [model, at, radius, highlight]);

  const labelNodes = model.nodes.length <= MAX_LABELLED_NODES;
  const labelEdges = model.edges.length <= MAX_LABELLED_EDGES;
  const onClick = (event: MouseEvent<SVGSVGElement>) => {
    const id = (event.target as Element).closest('[data-node-id]')?.getAttribute('data-node-id');
    if (id) onSelect(id);
  };

  return (
    <div ref={frameRef} className="force-graph" style={{ height }}>
      <svg
        className="force-graph__svg knowledge-graph"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={ariaLabel}
        data-testid={testId}
        data-nodes={model.nodes.length}
        data-edges={model.edges.length}
        data-centre={model.centreId ?? ''}
        data-state={settled ? 'stable' : 'settling'}
        onClick={onClick}
      >
        <defs>
          {RELATION_KINDS.map((k) => (
            <marker key={k} id={`${markerId}-${k}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0 1L10 5L0 9z" fill={RELATION_KIND_COLORS[k]} />
            </marker>
          ))}
        </defs>
        <g className="knowledge-graph__halos" fill="none">
          {edges.map((e) => (e.onPath ? <path key={e.key} d={e.d} className="knowledge-graph__halo" /> : null))}
        </g>
        <g className="knowledge-graph__edges" fill="none">
          {edges.map((e) => (
            <g key={e.key} data-testid={`${testId}-edge`} data-kind={e.kind} data-label={e.label} data-on-path={e.onPath}>
              <path
                d={e.d}
                stroke={RELATION_KIND_COLORS[e.kind]}
                strokeWidth={e.onPath ? 2.5 : 1 + e.confidence}
                strokeOpacity={e.onPath ? 1 : 0.8}
                markerEnd={`url(#${markerId}-${e.kind})`}
              >
                <title>{`${e.kind.toLowerCase()} · ${e.label} · confidence ${e.confidence.toFixed(2)}`}</title>
              </path>
              {labelEdges || e.onPath ? (
                <text x={round(e.mid.x)} y={round(e.mid.y) - 3} className="knowledge-graph__edge-label" textAnchor="middle">
                  {e.label}
                </text>
              ) : null}
            </g>
          ))}
        </g>
        <g className="force-graph__nodes">
          {model.nodes.map((n) => {
            const p = at.get(n.id);
            if (!p) return null;
            const centre = n.id === model.centreId;
            const onPath = highlight.nodes.has(n.id);
            const r = centre ? radius + 3 : radius;
            return (
              <g
                key={n.id}
                className="force-graph__node"
                transform={`translate(${round(p.x)} ${round(p.y)})`}
                data-testid={`${testId}-node`}
                data-node-id={n.id}
                data-id={n.id}
                data-label={n.label}
                data-type={n.type}
                data-centre={centre}
                data-on-path={onPath}
              >
                {centre || onPath ? <circle r={r + 4} className={centre ? 'force-graph__ring' : 'force-graph__ring force-graph__ring--route'} /> : null}
                <circle className="force-graph__body" r={r} fill={ENTITY_TYPE_COLORS[n.type]} stroke="#fff" strokeWidth={r > 3 ? 1.5 : 0.5} />
                <title>{`${n.label} · ${n.type.toLowerCase()}${n.distance != null ? ` · ${n.distance} ${n.distance === 1 ? 'hop' : 'hops'}` : ''}`}</title>
                {labelNodes || centre || onPath ? (
                  <text x={r + 4} y={4} className={centre ? 'force-graph__label knowledge-graph__centre-label' : 'force-graph__label'}>
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
