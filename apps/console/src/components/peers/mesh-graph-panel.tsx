'use client';
/**
 * The topology view: the namespace's registered peers and their links (live: re-read on peer
 * events), or a generated mesh of at most 2,000 peers picked from the list (its stored graph).
 * Registered peers are coloured by status and selecting one opens its detail; a route found
 * by the route finder is drawn over the graph. A generated peer, once clicked, is described
 * under the graph (its degree and transports).
 */
import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import type { PeerTransport } from '@/gql/graphql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { Section } from '@/components/ui/section';
import { FilterSelect } from '@/components/ui/toolbar';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError } from '@/lib/errors';
import { ForceGraph } from './force-graph';
import {
  DEVICE_COLORS,
  edgeCounts,
  registeredGraph,
  STATUS_COLORS,
  topologyGraph,
  TRANSPORT_COLORS,
  TRANSPORT_ORDER,
  type GraphModel,
  type MeshPeer,
} from './mesh-graph-model';
import { meshTopologyGraphQuery } from './peers.operations';
import { DRAWABLE_MAX_PEERS, type Topology } from './simulation-model';

export function MeshGraphPanel({
  peers,
  peersLoading,
  truncated,
  topologies,
  topologyId,
  onShowTopology,
  selectedPeerId,
  onSelectPeer,
  route,
}: {
  peers: readonly MeshPeer[];
  peersLoading: boolean;
  /** More peers are registered than the view loads. */
  truncated: boolean;
  topologies: readonly Topology[];
  /** The generated mesh shown; null: the registered peers. */
  topologyId: string | null;
  onShowTopology: (id: string | null) => void;
  selectedPeerId: string | null;
  onSelectPeer: (id: string) => void;
  /** Peer ids of the route to draw (registered view only). */
  route: readonly string[] | null;
}) {
  const drawable = topologies.filter((t) => t.status === 'SUCCEEDED' && t.nodes <= DRAWABLE_MAX_PEERS);
  const options = [
    { value: '', label: `Registered peers (${peers.length}${truncated ? '+' : ''})` },
    ...drawable.map((t) => ({ value: t.id, label: `${t.name} · ${t.nodes} peers` })),
  ];
  // A shared URL may name a mesh still being generated (or not listed yet): keep it selectable.
  if (topologyId && !drawable.some((t) => t.id === topologyId)) options.push({ value: topologyId, label: `mesh ${topologyId.slice(0, 8)}` });

  return (
    <Section
      testId="mesh-graph-panel"
      title="Topology"
      sub={
        topologyId
          ? 'A generated mesh: peers coloured mobile / fixed, links by transport. Click a peer to see its links.'
          : 'Registered peers coloured by status, their reported links by transport; click a peer to see its details. Updates live.'
      }
      aside={
        <div className="toolbar">
          <FilterSelect
            label="Show"
            value={topologyId ?? ''}
            options={options}
            onChange={(value) => onShowTopology(value || null)}
            testId="mesh-graph-source"
          />
        </div>
      }
    >
      {topologyId ? (
        <TopologyGraph key={topologyId} id={topologyId} />
      ) : (
        <RegisteredGraph
          peers={peers}
          loading={peersLoading}
          truncated={truncated}
          selectedPeerId={selectedPeerId}
          onSelectPeer={onSelectPeer}
          route={route}
        />
      )}
    </Section>
  );
}

function RegisteredGraph({
  peers,
  loading,
  truncated,
  selectedPeerId,
  onSelectPeer,
  route,
}: {
  peers: readonly MeshPeer[];
  loading: boolean;
  truncated: boolean;
  selectedPeerId: string | null;
  onSelectPeer: (id: string) => void;
  route: readonly string[] | null;
}) {
  const model = useMemo(() => registeredGraph(peers), [peers]);
  if (peers.length === 0) {
    return loading ? (
      <div className="card skeleton force-graph__skeleton" aria-busy />
    ) : (
      <div className="card empty" data-testid="mesh-graph-empty">
        No peers registered in this namespace yet. Peers register with <code className="code">registerPeer</code> (their
        Ed25519 public key), then send signed heartbeats and link reports (<code className="code">sendPeerMessages</code> or{' '}
        <code className="code">POST /v1/p2p/messages</code>).
      </div>
    );
  }
  return (
    <figure className="card force-graph-card" data-testid="mesh-graph-figure" data-source="registered">
      <ForceGraph
        model={model}
        selectedId={selectedPeerId}
        route={route}
        onSelect={onSelectPeer}
        testId="mesh-graph"
        ariaLabel={`Mesh of ${model.nodes.length} registered peers`}
      />
      <figcaption className="force-graph__legend">
        {(['ONLINE', 'NEW', 'OFFLINE'] as const).map((s) => (
          <LegendItem key={s} color={STATUS_COLORS[s]} label={s.toLowerCase()} dot />
        ))}
        <TransportLegend model={model} />
        {truncated ? <span className="muted small">showing the first {peers.length} peers</span> : null}
      </figcaption>
    </figure>
  );
}

function TopologyGraph({ id }: { id: string }) {
  const mounted = useMounted();
  const [result] = useQuery({ query: meshTopologyGraphQuery, variables: { id }, pause: !mounted });
  const [selected, setSelected] = useState<string | null>(null);
  const topology = result.data?.meshTopology;
  const graph = topology?.graph;
  const model = useMemo<GraphModel | null>(() => (graph ? topologyGraph(graph) : null), [graph]);

  if (result.error) return <ApiErrorCallout error={apiError(result.error)} testId="mesh-graph-error" prefix="Could not load the mesh" />;
  if (!topology) return <div className="card skeleton force-graph__skeleton" aria-busy />;
  if (!model) {
    return (
      <div className="card empty" data-testid="mesh-graph-empty">
        {topology.status === 'SUCCEEDED'
          ? `This mesh has ${topology.nodes} peers: only meshes of at most ${DRAWABLE_MAX_PEERS} keep a drawable graph.`
          : `This mesh is ${topology.status.toLowerCase()}: its graph appears once it is generated.`}
      </div>
    );
  }
  const degree = selected ? model.edges.filter((e) => e.source === selected || e.target === selected) : [];
  const neighbours = new Set(degree.map((e) => (e.source === selected ? e.target : e.source)));
  const kind = model.nodes.find((n) => n.id === selected)?.kind;
  return (
    <figure className="card force-graph-card" data-testid="mesh-graph-figure" data-source="topology" data-topology={id}>
      <ForceGraph
        model={model}
        selectedId={selected}
        route={null}
        onSelect={setSelected}
        testId="mesh-graph"
        height={model.nodes.length > 500 ? 620 : 460}
        ariaLabel={`Generated mesh of ${model.nodes.length} peers`}
      />
      <figcaption className="force-graph__legend">
        <LegendItem color={DEVICE_COLORS.fixed} label="fixed" dot />
        <LegendItem color={DEVICE_COLORS.mobile} label="mobile" dot />
        <TransportLegend model={model} />
        {selected ? (
          <span className="force-graph__picked" data-testid="mesh-graph-picked" data-id={selected} data-degree={neighbours.size}>
            <strong className="mono">{selected}</strong> · {kind === 'MOBILE' ? 'mobile' : 'fixed'} · {neighbours.size}{' '}
            {neighbours.size === 1 ? 'neighbour' : 'neighbours'} ·{' '}
            {TRANSPORT_ORDER.map((t) => [t, degree.filter((e) => e.transport === t).length] as const)
              .filter(([, n]) => n > 0)
              .map(([t, n]) => `${t} ${n}`)
              .join(', ')}
          </span>
        ) : null}
      </figcaption>
    </figure>
  );
}

function TransportLegend({ model }: { model: GraphModel }) {
  const counts = edgeCounts(model.edges);
  return (
    <>
      {TRANSPORT_ORDER.map((t: PeerTransport) => (
        <LegendItem key={t} color={TRANSPORT_COLORS[t]} label={`${t} ${counts[t]}`} testId={`mesh-graph-legend-${t.toLowerCase()}`} value={counts[t]} />
      ))}
    </>
  );
}

function LegendItem({ color, label, dot = false, testId, value }: { color: string; label: string; dot?: boolean; testId?: string; value?: number }) {
  return (
    <span className="chart__legend-item" data-testid={testId} data-value={value}>
      <span className={dot ? 'force-graph__dot' : 'chart__swatch'} style={{ background: color }} aria-hidden />
      {label}
    </span>
  );
}
