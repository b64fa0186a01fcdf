/** A peer's status and a link's transport as small pills; the raw enum goes to `data-status` / `data-transport`. */
import type { PeerStatus, PeerTransport } from '@/gql/graphql';
import { StatusBadge, type Tone } from '@/components/ui/status-badge';
import { TRANSPORT_COLORS } from './mesh-graph-model';

const STATUS_TONES: Record<PeerStatus, Tone> = { ONLINE: 'ok', NEW: 'neutral', OFFLINE: 'error' };

export function PeerStatusBadge({ status, testId }: { status: PeerStatus; testId?: string }) {
  return (
    <span data-testid={testId} data-status={status}>
      <StatusBadge tone={STATUS_TONES[status]}>{status.charAt(0) + status.slice(1).toLowerCase()}</StatusBadge>
    </span>
  );
}

export function TransportChip({ transport, testId }: { transport: PeerTransport; testId?: string }) {
  return (
    <span className="chip transport-chip" data-testid={testId} data-transport={transport} style={{ borderColor: TRANSPORT_COLORS[transport] }}>
      <span className="force-graph__dot" style={{ background: TRANSPORT_COLORS[transport] }} aria-hidden />
      {transport}
    </span>
  );
}
