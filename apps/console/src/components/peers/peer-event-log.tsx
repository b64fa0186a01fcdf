'use client';
/**
 * The newest peer events of the namespace, newest first, as the `peerEvents` subscription
 * delivers them (kept in page state only): peers registering, joining (first heartbeat or back
 * online), leaving (OFFLINE), removed, and links appearing or changing by 20% or more.
 */
import type { PeerEventKind, PeerEventsSubscription } from '@/gql/graphql';
import { ConnectionBadge } from '@/components/ui/connection-badge';
import { Section } from '@/components/ui/section';
import { StatusBadge, type Tone } from '@/components/ui/status-badge';
import type { StreamState } from '@/components/ui/stream-state';
import type { ApiErrorInfo } from '@/lib/errors';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { formatClock, formatMs } from '@/lib/format';
import { TransportChip } from './peer-badges';

export type PeerEventRow = PeerEventsSubscription['peerEvents'];

const KIND_TONES: Record<PeerEventKind, Tone> = {
  JOINED: 'ok',
  REGISTERED: 'neutral',
  LINK_CHANGED: 'neutral',
  LEFT: 'warn',
  REMOVED: 'error',
};

const KIND_LABELS: Record<PeerEventKind, string> = {
  JOINED: 'Joined',
  REGISTERED: 'Registered',
  LINK_CHANGED: 'Link',
  LEFT: 'Left',
  REMOVED: 'Removed',
};

export function PeerEventLog({
  events,
  received,
  state,
  error,
  names,
  onSelectPeer,
}: {
  /** Oldest first, as collected. */
  events: readonly PeerEventRow[];
  received: number;
  state: StreamState;
  error: ApiErrorInfo | null;
  names: ReadonlyMap<string, string>;
  onSelectPeer: (id: string) => void;
}) {
  const name = (id: string) => names.get(id) ?? `${id.slice(0, 8)}…`;
  return (
    <Section
      testId="peer-events"
      heading="h3"
      title="Live events"
      sub={
        <span data-testid="peer-events-count" data-value={received}>
          {received} {received === 1 ? 'event' : 'events'} since this page opened
        </span>
      }
      aside={<ConnectionBadge state={state} testId="peer-events-connection" />}
    >
      {error ? <ApiErrorCallout error={error} testId="peer-events-error" prefix="Live events failed" /> : null}
      <div className="card peer-events">
        {events.length === 0 ? (
          <p className="empty small" data-testid="peer-events-empty">
            Waiting for peers to register, join, leave or report new links…
          </p>
        ) : (
          <ol className="peer-events__list" data-testid="peer-events-list">
            {[...events].reverse().map((e, i) => (
              <li key={`${received - i}`} className="peer-events__item" data-testid="peer-event" data-kind={e.kind} data-peer-id={e.peerId}>
                <span className="mono small muted">{formatClock(e.at)}</span>
                <StatusBadge tone={KIND_TONES[e.kind]}>{KIND_LABELS[e.kind]}</StatusBadge>
                <span className="peer-events__text">
                  {e.kind === 'REMOVED' ? (
                    <span className="mono">{name(e.peerId)}</span>
                  ) : (
                    <button type="button" className="button--link link" onClick={() => onSelectPeer(e.peerId)}>
                      {name(e.peerId)}
                    </button>
                  )}
                  {e.link ? (
                    <>
                      {' → '}
                      {name(e.link.toPeerId)} <TransportChip transport={e.link.transport} />{' '}
                      <span className="mono small">
                        {formatMs(e.link.latencyMs)} · {(e.link.successRate * 100).toFixed(0)}%
                      </span>
                      {e.link.isNew ? <span className="muted small"> · new</span> : null}
                    </>
                  ) : null}
                </span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </Section>
  );
}
