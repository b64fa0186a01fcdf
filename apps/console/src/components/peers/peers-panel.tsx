'use client';
/**
 * The Peers page body, for one namespace (the mesh a live view follows). What it shows lives
 * in the URL: `/peers?namespace=<ns>&peer=<id>&topology=<id>` (the selected peer, and a
 * generated mesh shown in the topology view instead of the registered peers).
 *
 * Live: `peerEvents(namespace)` feeds the event log, and every burst of events re-reads the
 * status, the registered graph and the selected peer (debounced). Message rates change without
 * events, so the status is also re-read every STATUS_REFRESH_MS. Generated meshes are re-read
 * every POLL_MS while one is being generated.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useQuery } from 'urql';
import { useSocketState } from '@/components/graphql/urql-provider';
import { streamState } from '@/components/ui/stream-state';
import { FilterSelect, namespaceChoices } from '@/components/ui/toolbar';
import { useCursorList } from '@/components/ui/use-cursor-list';
import { useInterval } from '@/components/ui/use-interval';
import { useMounted } from '@/components/ui/use-mounted';
import { useSampleWindow } from '@/components/ui/use-sample-window';
import { apiError } from '@/lib/errors';
import { MeshGraphPanel } from './mesh-graph-panel';
import { MeshSimulationsPanel } from './mesh-simulations-panel';
import { MeshStatusHeader } from './mesh-status-header';
import { PeerDetailPanel } from './peer-detail-panel';
import { PeerEventLog } from './peer-event-log';
import { meshPeersQuery, meshTopologiesQuery, p2pStatusQuery, peerEventsSubscription, peersNamespacesQuery } from './peers.operations';
import { peersHref, type PeersView } from './peers-links';
import { RouteFinder } from './route-finder';
import { isPending, POLL_MS } from './simulation-model';

/** Peers per request, and the most the topology view loads (the API's query cost grows with both). */
const PEERS_PAGE = 500;
export const MAX_GRAPH_PEERS = 1000;
export const STATUS_REFRESH_MS = 5000;
/** Events come in bursts (a batch of messages); one re-read per burst. */
const EVENT_DEBOUNCE_MS = 250;
const EVENTS_KEPT = 50;
const TOPOLOGIES_SHOWN = 50;

export function PeersPanel() {
  const params = useSearchParams();
  const namespace = params.get('namespace') || 'default';
  // Keyed: another namespace is another mesh (its own events, route, selection).
  return <PeersWorkspace key={namespace} namespace={namespace} peerId={params.get('peer')} topologyId={params.get('topology')} />;
}

function PeersWorkspace({ namespace, peerId, topologyId }: { namespace: string; peerId: string | null; topologyId: string | null }) {
  const router = useRouter();
  const mounted = useMounted();
  const go = (view: PeersView) => router.replace(peersHref({ namespace, peer: peerId, topology: topologyId, ...view }), { scroll: false });

  const [namespaces] = useQuery({ query: peersNamespacesQuery, pause: !mounted });

  const [statusResult, reexecuteStatus] = useQuery({ query: p2pStatusQuery, variables: { namespace }, pause: !mounted });
  const refreshStatus = () => reexecuteStatus({ requestPolicy: 'network-only' });
  useInterval(refreshStatus, mounted ? STATUS_REFRESH_MS : null);

  const { list: peerList, loadMore, reloadShown } = useCursorList({
    query: meshPeersQuery,
    variables: { namespace },
    select: (data) => data.peers,
    pageSize: PEERS_PAGE,
  });
  const peers = peerList.items;
  // The graph wants every peer: follow the pages up to the cap.
  useEffect(() => {
    if (!peerList.loading && !peerList.error && peerList.hasNextPage && peers.length < MAX_GRAPH_PEERS) loadMore();
  }, [peerList.loading, peerList.error, peerList.hasNextPage, peers.length, loadMore]);

  const [topologiesResult, reexecuteTopologies] = useQuery({
    query: meshTopologiesQuery,
    variables: { namespace, first: TOPOLOGIES_SHOWN },
    pause: !mounted,
  });
  const topologies = topologiesResult.data?.meshTopologies ?? [];
  const refreshTopologies = () => reexecuteTopologies({ requestPolicy: 'network-only' });
  useInterval(refreshTopologies, topologies.some((t) => isPending(t.status)) ? POLL_MS : null);

  const events = useSampleWindow({
    query: peerEventsSubscription,
    variables: { namespace },
    pick: (data) => data.peerEvents,
    max: EVENTS_KEPT,
  });
  // Events are rare (joins, leaves, link changes): the log is live once the socket is, not once one arrives.
  const socket = useSocketState();
  const eventsState = streamState(events.error, socket, events.received, false);
  const [refreshKey, setRefreshKey] = useState(0);
  const refreshLive = useRef(() => {});
  useEffect(() => {
    refreshLive.current = () => {
      reloadShown(MAX_GRAPH_PEERS);
      refreshStatus();
      setRefreshKey((k) => k + 1);
    };
  });
  useEffect(() => {
    if (events.received === 0) return;
    const timer = setTimeout(() => refreshLive.current(), EVENT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [events.received]);

  const [route, setRoute] = useState<readonly string[] | null>(null);
  // Names outlive their peers: the log still names a peer after it was removed.
  const seenNames = useRef(new Map<string, string>());
  const names = useMemo(() => {
    for (const p of peers) seenNames.current.set(p.id, p.displayName);
    return new Map(seenNames.current);
  }, [peers]);
  const choices = namespaceChoices(namespace, namespaces.data?.namespaces.map((n) => n.name) ?? []);

  return (
    <div className="peers" data-testid="peers" data-namespace={namespace}>
      <div className="toolbar peers__toolbar">
        <FilterSelect
          label="Namespace"
          value={namespace}
          options={choices}
          onChange={(value) => router.replace(peersHref({ namespace: value }))}
          testId="peers-namespace"
        />
        <span className="muted small" data-testid="peers-loaded" data-value={peers.length} data-more={peerList.hasNextPage}>
          {peerList.loading && peers.length === 0 ? 'Loading peers…' : `${peers.length} ${peers.length === 1 ? 'peer' : 'peers'} registered`}
        </span>
      </div>

      <MeshStatusHeader
        status={statusResult.data?.p2pStatus}
        error={statusResult.error ? apiError(statusResult.error) : null}
        namespace={namespace}
      />

      <div className="grid grid--mesh">
        <MeshGraphPanel
          peers={peers}
          peersLoading={peerList.loading}
          truncated={peerList.hasNextPage}
          topologies={topologies}
          topologyId={topologyId}
          onShowTopology={(id) => go({ topology: id })}
          selectedPeerId={peerId}
          onSelectPeer={(id) => go({ peer: id, topology: null })}
          route={topologyId ? null : route}
        />
        <PeerEventLog
          events={events.samples}
          received={events.received}
          state={eventsState}
          error={events.error ? apiError(events.error) : null}
          names={names}
          onSelectPeer={(id) => go({ peer: id, topology: null })}
        />
      </div>

      {peerList.error ? (
        <div className="callout callout--error" role="alert" data-testid="peers-error">
          Could not load the peers: {peerList.error}
        </div>
      ) : null}

      {peerId ? (
        <PeerDetailPanel
          key={peerId}
          id={peerId}
          refreshKey={refreshKey}
          onSelectPeer={(id) => go({ peer: id })}
          onRemoved={() => {
            go({ peer: null });
            refreshLive.current();
          }}
        />
      ) : (
        <p className="callout callout--info" data-testid="peer-detail-hint">
          Select a peer in the graph (or in the event log) to see its details, links and their history.
        </p>
      )}

      <RouteFinder peers={peers} onRoute={setRoute} />

      <MeshSimulationsPanel
        namespace={namespace}
        peers={peers}
        topologies={topologies}
        topologiesError={topologiesResult.error ? apiError(topologiesResult.error).message : null}
        refreshTopologies={refreshTopologies}
        shownTopologyId={topologyId}
        onShowTopology={(id) => go({ topology: id })}
      />
    </div>
  );
}
