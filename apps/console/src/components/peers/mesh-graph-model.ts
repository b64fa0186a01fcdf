/**
 * What the topology view draws, built from either source: the namespace's registered peers
 * with the links they report, or a generated mesh's stored graph. Peers are coloured by
 * status (generated ones, which have none, by mobile / fixed), links by transport; a pair of
 * peers linked over several transports gets one edge per transport. Pure, so it is tested
 * by what the page shows.
 */
import type { MeshPeersQuery, MeshTopologyGraphQuery, PeerStatus, PeerTransport } from '@/gql/graphql';

export const STATUS_COLORS: Record<PeerStatus, string> = {
  ONLINE: '#12b76a',
  NEW: '#98a2b3',
  OFFLINE: '#f04438',
};

export const TRANSPORT_COLORS: Record<PeerTransport, string> = {
  QUIC: '#4f46e5',
  HTX: '#0891b2',
  BLE: '#db2777',
};

export const TRANSPORT_ORDER: readonly PeerTransport[] = ['QUIC', 'HTX', 'BLE'];

export const DEVICE_COLORS = { mobile: '#f79009', fixed: '#475467' } as const;

export type MeshPeer = MeshPeersQuery['peers']['nodes'][number];
export type MeshGraphData = NonNullable<NonNullable<MeshTopologyGraphQuery['meshTopology']>['graph']>;

export interface GraphNode {
  id: string;
  label: string;
  color: string;
  /** Status (registered) or mobile / fixed (generated): `data-kind` of the node. */
  kind: string;
}

export interface GraphEdge {
  /** Unique per pair and transport. */
  key: string;
  source: string;
  target: string;
  transport: PeerTransport;
  /** Position among the pair's transports (0…count−1): parallel edges are drawn side by side. */
  lane: number;
  lanes: number;
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

function pairKey(a: string, b: string): [string, string, string] {
  return a < b ? [a, b, `${a}|${b}`] : [b, a, `${b}|${a}`];
}

/** Edges from (a, b, transport) triples, one per unordered pair and transport, lanes assigned per pair. */
function edgesOf(triples: Iterable<{ a: string; b: string; transport: PeerTransport }>, known: ReadonlySet<string>): GraphEdge[] {
  const pairs = new Map<string, { a: string; b: string; transports: Set<PeerTransport> }>();
  for (const { a, b, transport } of triples) {
    if (a === b || !known.has(a) || !known.has(b)) continue;
    const [lo, hi, key] = pairKey(a, b);
    let pair = pairs.get(key);
    if (!pair) pairs.set(key, (pair = { a: lo, b: hi, transports: new Set() }));
    pair.transports.add(transport);
  }
  const edges: GraphEdge[] = [];
  for (const [key, pair] of pairs) {
    const transports = TRANSPORT_ORDER.filter((t) => pair.transports.has(t));
    transports.forEach((transport, lane) =>
      edges.push({ key: `${key}|${transport}`, source: pair.a, target: pair.b, transport, lane, lanes: transports.length }),
    );
  }
  return edges;
}

/** The registered mesh: every peer (any status), an edge wherever either end reports a link. */
export function registeredGraph(peers: readonly MeshPeer[]): GraphModel {
  const known = new Set(peers.map((p) => p.id));
  const nodes = peers.map((p): GraphNode => ({ id: p.id, label: p.displayName, color: STATUS_COLORS[p.status], kind: p.status }));
  const triples = peers.flatMap((p) => p.links.map((l) => ({ a: p.id, b: l.toPeerId, transport: l.transport })));
  return { nodes, edges: edgesOf(triples, known) };
}

/** A generated mesh: peer-0 … peer-(n−1), mobile or fixed, links over their transports. */
export function topologyGraph(graph: MeshGraphData): GraphModel {
  const known = new Set(graph.peers.map((p) => p.id));
  const nodes = graph.peers.map(
    (p): GraphNode => ({
      id: p.id,
      label: p.id,
      color: p.mobile ? DEVICE_COLORS.mobile : DEVICE_COLORS.fixed,
      kind: p.mobile ? 'MOBILE' : 'FIXED',
    }),
  );
  const triples = graph.links.flatMap((l) => l.transports.map((t) => ({ a: l.a, b: l.b, transport: t.transport })));
  return { nodes, edges: edgesOf(triples, known) };
}

/** Edges per transport, for the legend. */
export function edgeCounts(edges: readonly GraphEdge[]): Record<PeerTransport, number> {
  const counts: Record<PeerTransport, number> = { QUIC: 0, HTX: 0, BLE: 0 };
  for (const e of edges) counts[e.transport] += 1;
  return counts;
}
