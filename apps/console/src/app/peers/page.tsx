/** Peers: the P2P mesh — status, topology, each peer and its links, live events, routes and propagation simulations. */
import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PeersPanel } from '@/components/peers/peers-panel';
import { PageShell } from '@/components/ui/page-shell';

export const metadata: Metadata = { title: 'Peers' };

export default function PeersPage() {
  return (
    <PageShell
      testId="page-peers"
      title="Peers"
      sub={
        <>
          The P2P mesh of a namespace: peers registered under their Ed25519 keys, the links they report over BLE, HTX and
          QUIC, live joins and link changes, the best route between two peers, and gossip propagation simulated on generated
          meshes or on the registered peers.
        </>
      }
    >
      {/* The panel reads the namespace, peer and shown mesh from the URL (useSearchParams). */}
      <Suspense fallback={<div className="card skeleton" aria-busy />}>
        <PeersPanel />
      </Suspense>
    </PageShell>
  );
}
