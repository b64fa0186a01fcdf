'use client';
/**
 * Every key the viewer can see, with its live use against its tier's limits (requests in the
 * sliding minute, open connections — across all API instances) and revocation behind a
 * confirmation.
 */
import { useState } from 'react';
import type { ApiKeysQuery } from '@/gql/graphql';
import { ConfirmBar } from '@/components/ui/confirm-bar';
import { StatusBadge, type Tone } from '@/components/ui/status-badge';
import { UsageMeter } from '@/components/ui/usage-meter';
import { useNow } from '@/components/ui/use-now';
import { formatAgo, formatDateTime, titleCase } from '@/lib/format';

export type ApiKeyRow = ApiKeysQuery['apiKeys'][number];

const STATUS_TONE: Record<ApiKeyRow['status'], Tone> = { ACTIVE: 'ok', EXPIRED: 'warn', REVOKED: 'neutral' };

export function ApiKeysTable({
  keys,
  canRevoke,
  revokingId,
  onRevoke,
}: {
  keys: ApiKeyRow[];
  canRevoke: boolean;
  revokingId: string | null;
  onRevoke: (key: ApiKeyRow) => Promise<boolean>;
}) {
  const now = useNow(5000);
  const [confirming, setConfirming] = useState<ApiKeyRow | null>(null);

  return (
    <>
      {confirming ? (
        <ConfirmBar
          label="Revoke key"
          title={
            <>
              Revoke “{confirming.name}” (<span className="mono">{confirming.prefix}</span>)?
            </>
          }
          action="Revoke key"
          busyAction="Revoking…"
          busy={revokingId === confirming.id}
          onCancel={() => setConfirming(null)}
          onConfirm={async () => {
            if (await onRevoke(confirming)) setConfirming(null);
          }}
          testIdPrefix="api-key-revoke"
        >
          Every request with this key is refused from now on, on all API instances. This cannot be undone.
        </ConfirmBar>
      ) : null}
      {keys.length === 0 ? (
        <p className="empty" data-testid="api-keys-empty">
          No keys yet.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table table--keys" data-testid="api-keys-table">
            <thead>
              <tr>
                <th>Key</th>
                <th>Namespace</th>
                <th>Tier</th>
                <th>Scopes</th>
                <th>Status</th>
                <th>Requests / min</th>
                <th>Connections</th>
                <th>Created</th>
                {canRevoke ? <th aria-label="Actions" /> : null}
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => {
                const active = k.status === 'ACTIVE';
                return (
                  <tr
                    key={k.id}
                    data-testid="api-key-row"
                    data-prefix={k.prefix}
                    data-status={k.status}
                    className={active ? undefined : 'row--inactive'}
                  >
                    <td>
                      <div className="cell-title">{k.name}</div>
                      <div className="mono muted">{k.prefix}</div>
                    </td>
                    <td>{k.namespace}</td>
                    <td>
                      <span className={`tier tier--${k.tier.toLowerCase()}`}>{titleCase(k.tier)}</span>
                    </td>
                    <td>
                      {k.scopes.map((s) => (
                        <span key={s} className="chip">
                          {s}
                        </span>
                      ))}
                    </td>
                    <td>
                      <span data-testid="api-key-status" data-value={k.status}>
                        <StatusBadge tone={STATUS_TONE[k.status]}>{titleCase(k.status)}</StatusBadge>
                      </span>
                      <div
                        className="muted small cell-sub"
                        title={k.revokedAt ? formatDateTime(k.revokedAt, true) : k.expiresAt ? formatDateTime(k.expiresAt, true) : undefined}
                        data-testid="api-key-expiry"
                      >
                        {k.revokedAt
                          ? `revoked ${formatAgo(k.revokedAt, now)}`
                          : k.expiresAt
                            ? `${k.status === 'EXPIRED' ? 'expired' : 'expires'} ${formatDateTime(k.expiresAt)}`
                            : 'no expiry'}
                      </div>
                    </td>
                    <td>
                      <UsageMeter
                        testId="api-key-usage-requests"
                        used={k.usage.requestsLastMinute}
                        limit={k.rateLimitPerMinute ?? k.limits.requestsPerMinute ?? null}
                        unit="requests in the last minute"
                        dimmed={!active}
                      />
                    </td>
                    <td>
                      <UsageMeter
                        testId="api-key-usage-connections"
                        used={k.usage.openConnections}
                        limit={k.limits.concurrentConnections ?? null}
                        unit="open connections"
                        dimmed={!active}
                      />
                    </td>
                    <td>
                      <div title={formatDateTime(k.createdAt, true)}>{formatAgo(k.createdAt, now)}</div>
                      <div
                        className="muted small cell-sub"
                        title={k.lastUsedAt ? formatDateTime(k.lastUsedAt, true) : undefined}
                        data-testid="api-key-last-used"
                      >
                        {k.lastUsedAt ? `used ${formatAgo(k.lastUsedAt, now)}` : 'never used'}
                      </div>
                    </td>
                    {canRevoke ? (
                      <td className="num">
                        {active ? (
                          <button
                            type="button"
                            className="button button--ghost-danger button--small"
                            onClick={() => setConfirming(k)}
                            data-testid="api-key-revoke"
                          >
                            Revoke
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
