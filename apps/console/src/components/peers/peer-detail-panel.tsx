'use client';
/**
 * One registered peer: who it is (name, device class, region, status, battery, last seen,
 * public key, transports and their addresses), the links it reports (OUT) with their latest
 * figures, and each link's reports over time as latency and success-rate charts. Re-read when
 * `refreshKey` changes (the page bumps it on peer events). Developers may remove the peer.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useMutation, useQuery } from 'urql';
import type { PeerDetailQuery } from '@/gql/graphql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { ConfirmBar } from '@/components/ui/confirm-bar';
import { CopyButton } from '@/components/ui/copy-button';
import { Section } from '@/components/ui/section';
import { useMounted } from '@/components/ui/use-mounted';
import { useNow } from '@/components/ui/use-now';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { formatAgo, formatDateTime, formatMs, formatNumber, titleCase } from '@/lib/format';
import { PeerLinkCharts } from './peer-link-charts';
import { PeerStatusBadge, TransportChip } from './peer-badges';
import { peerDetailQuery, removePeerMutation } from './peers.operations';

export type PeerDetail = PeerDetailQuery['peer'];

/** Reports per link drawn (P2P_LINK_HISTORY keeps up to 120). */
export const HISTORY_LIMIT = 60;

export function PeerDetailPanel({
  id,
  refreshKey,
  onSelectPeer,
  onRemoved,
}: {
  id: string;
  refreshKey: number;
  onSelectPeer: (id: string) => void;
  onRemoved: () => void;
}) {
  const mounted = useMounted();
  const now = useNow(1000);
  const [result, reexecute] = useQuery({
    query: peerDetailQuery,
    variables: { id, historyLimit: HISTORY_LIMIT },
    pause: !mounted,
    requestPolicy: 'cache-and-network',
  });
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    reexecute({ requestPolicy: 'network-only' });
  }, [refreshKey, reexecute]);

  const peer = result.data?.peer;
  if (result.error && !peer) {
    return (
      <Section testId="peer-detail" title="Peer" sub={<span className="mono">{id}</span>}>
        <ApiErrorCallout error={apiError(result.error)} testId="peer-detail-error" prefix="Could not load the peer" />
      </Section>
    );
  }
  if (!peer) return <div className="card skeleton peer-detail__skeleton" aria-busy data-testid="peer-detail-loading" />;

  return (
    <Section
      testId="peer-detail"
      title={
        <span data-testid="peer-detail-name" data-id={peer.id}>
          {peer.displayName}
        </span>
      }
      sub={
        <>
          {titleCase(peer.deviceClass)} · {peer.region ?? 'no region'} · last seen{' '}
          <span data-testid="peer-detail-last-seen" data-value={peer.lastSeenAt ?? ''} title={formatDateTime(peer.lastSeenAt, true)}>
            {peer.lastSeenAt ? formatAgo(peer.lastSeenAt, now) : 'never'}
          </span>
        </>
      }
      aside={<PeerStatusBadge status={peer.status} testId="peer-detail-status" />}
    >
      <PeerFields peer={peer} />
      <PeerLinksTable peer={peer} onSelectPeer={onSelectPeer} />
      <PeerLinkCharts links={peer.links} />
      <RemovePeer peer={peer} onRemoved={onRemoved} />
    </Section>
  );
}

function PeerFields({ peer }: { peer: PeerDetail }) {
  return (
    <dl className="card peer-fields" data-testid="peer-fields">
      <Field label="Device class" testId="peer-device-class" value={peer.deviceClass}>
        {titleCase(peer.deviceClass)}
      </Field>
      <Field label="Region" testId="peer-region" value={peer.region ?? ''}>
        {peer.region ?? '—'}
      </Field>
      <Field label="Battery" testId="peer-battery" value={peer.batteryPercent ?? ''}>
        {peer.batteryPercent == null ? '—' : `${formatNumber(peer.batteryPercent, 0)}%`}
      </Field>
      <Field label="Heartbeats" testId="peer-heartbeats" value={peer.heartbeats}>
        {peer.heartbeats} <span className="muted small">· last seq {peer.lastSeq}</span>
      </Field>
      <Field label="Registered" testId="peer-created" value={peer.createdAt}>
        {formatDateTime(peer.createdAt)}
      </Field>
      <Field label="Transports" testId="peer-transports" value={peer.transports.map((t) => t.transport).join(',')}>
        {peer.transports.length === 0 ? (
          <span className="muted">none announced</span>
        ) : (
          <ul className="peer-fields__list">
            {peer.transports.map((t) => (
              <li key={`${t.transport}-${t.address}`}>
                <TransportChip transport={t.transport} /> <span className="mono small">{t.address}</span>
              </li>
            ))}
          </ul>
        )}
      </Field>
      <Field label="Public key" testId="peer-public-key" value={peer.publicKey} wide>
        <span className="mono peer-fields__key">{peer.publicKey}</span>{' '}
        <CopyButton text={peer.publicKey} small label="Copy" testId="peer-public-key-copy" />
      </Field>
    </dl>
  );
}

function Field({
  label,
  testId,
  value,
  wide = false,
  children,
}: {
  label: string;
  testId: string;
  value: string | number;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={wide ? 'peer-fields__item peer-fields__item--wide' : 'peer-fields__item'} data-testid={testId} data-value={value}>
      <dt className="muted small">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function PeerLinksTable({ peer, onSelectPeer }: { peer: PeerDetail; onSelectPeer: (id: string) => void }) {
  return (
    <div className="card table-card" data-testid="peer-links" data-count={peer.links.length}>
      <div className="table-card__head">
        <h3 className="table-card__title">Links</h3>
        <span className="muted">as {peer.displayName} reports them, per transport fastest first</span>
      </div>
      {peer.links.length === 0 ? (
        <p className="empty" data-testid="peer-links-empty">
          No links reported yet: peers send them as signed <code className="code">links</code> messages.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th>To</th>
                <th>Transport</th>
                <th className="num">Latency</th>
                <th className="num">Throughput</th>
                <th className="num">Success</th>
                <th className="num">Reports</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {peer.links.map((l) => (
                <tr key={l.id} data-testid="peer-link-row" data-to={l.toPeerId} data-transport={l.transport}>
                  <td>
                    <button type="button" className="button--link link" onClick={() => onSelectPeer(l.toPeerId)} data-testid="peer-link-open">
                      {l.to.displayName}
                    </button>{' '}
                    <PeerStatusBadge status={l.to.status} />
                  </td>
                  <td>
                    <TransportChip transport={l.transport} />
                  </td>
                  <td className="num mono" data-testid="peer-link-latency" data-value={l.latencyMs}>
                    {formatMs(l.latencyMs)}
                  </td>
                  <td className="num mono">{formatNumber(l.throughputMbps)} Mbit/s</td>
                  <td className="num mono" data-testid="peer-link-success" data-value={l.successRate}>
                    {(l.successRate * 100).toFixed(1)}%
                  </td>
                  <td className="num mono">{l.reports}</td>
                  <td title={formatDateTime(l.updatedAt, true)}>{formatDateTime(l.updatedAt, true)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function RemovePeer({ peer, onRemoved }: { peer: PeerDetail; onRemoved: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [state, remove] = useMutation(removePeerMutation);
  const [error, setError] = useState<ApiErrorInfo | null>(null);
  const onConfirm = async () => {
    setError(null);
    const result = await remove({ id: peer.id });
    if (result.error) setError(apiError(result.error));
    else onRemoved();
  };
  const linkCount = peer.links.length;
  return (
    <div className="peer-detail__actions">
      {confirming ? (
        <ConfirmBar
          label={`Remove ${peer.displayName}`}
          title={`Remove ${peer.displayName}?`}
          action="Remove peer"
          busyAction="Removing…"
          busy={state.fetching}
          onCancel={() => setConfirming(false)}
          onConfirm={onConfirm}
          testIdPrefix="peer-remove"
        >
          Its {linkCount} {linkCount === 1 ? 'link' : 'links'} and their history go with it; the peer must register again to rejoin.
        </ConfirmBar>
      ) : (
        <button type="button" className="button button--ghost-danger button--small" onClick={() => setConfirming(true)} data-testid="peer-remove">
          Remove peer
        </button>
      )}
      {error ? <ApiErrorCallout error={error} testId="peer-remove-error" prefix="Could not remove the peer" /> : null}
    </div>
  );
}
