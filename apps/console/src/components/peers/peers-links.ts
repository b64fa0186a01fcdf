/** Shareable URLs of the Peers page: the namespace it follows, the selected peer, and the graph shown. */

export interface PeersView {
  namespace?: string | null;
  /** The selected registered peer. */
  peer?: string | null;
  /** A generated mesh shown in the topology view instead of the registered peers. */
  topology?: string | null;
}

/** `/peers`, `/peers?namespace=lab&peer=<id>`, `/peers?topology=<id>` */
export function peersHref({ namespace, peer, topology }: PeersView = {}): string {
  const params = new URLSearchParams();
  if (namespace && namespace !== 'default') params.set('namespace', namespace);
  if (peer) params.set('peer', peer);
  if (topology) params.set('topology', topology);
  const query = params.toString();
  return query ? `/peers?${query}` : '/peers';
}
