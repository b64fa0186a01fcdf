'use client';
/**
 * The API keys page: the create form, the one-time secret of a key just created, and the keys
 * the viewer can see, re-queried every few seconds (`network-only`) so usage stays current.
 */
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useViewer } from '@/components/auth/viewer';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError } from '@/lib/errors';
import { formatClock } from '@/lib/format';
import { apiKeysQuery, revokeApiKeyMutation } from './api-keys.operations';
import { ApiKeysTable, type ApiKeyRow } from './api-keys-table';
import { CreateApiKeyForm, type CreatedKey } from './create-api-key-form';
import { CreatedKeyPanel } from './created-key-panel';

export const KEYS_REFRESH_MS = 5000;

export function ApiKeysPanel() {
  const mounted = useMounted();
  const { viewer } = useViewer();
  const [result, reexecute] = useQuery({ query: apiKeysQuery, pause: !mounted, requestPolicy: 'cache-and-network' });
  const [, revokeKey] = useMutation(revokeApiKeyMutation);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [revokingId, setRevokingId] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [refreshedAt, setRefreshedAt] = useState<number | null>(null);

  useEffect(() => {
    if (!mounted) return;
    const timer = setInterval(() => reexecute({ requestPolicy: 'network-only' }), KEYS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [mounted, reexecute]);

  useEffect(() => {
    if (result.data && !result.fetching) setRefreshedAt(Date.now());
  }, [result.data, result.fetching]);

  const keys = result.data?.apiKeys ?? [];
  const canManage = Boolean(viewer && viewer.role !== 'VIEWER');
  const active = keys.filter((k) => k.status === 'ACTIVE').length;

  const onCreated = (key: CreatedKey) => {
    setCreated(key);
    setActionError(null);
    reexecute({ requestPolicy: 'network-only' });
  };

  const onRevoke = async (key: ApiKeyRow): Promise<boolean> => {
    setRevokingId(key.id);
    setActionError(null);
    const outcome = await revokeKey({ id: key.id });
    setRevokingId(null);
    if (outcome.error) {
      setActionError(`Could not revoke ${key.prefix}: ${apiError(outcome.error).message}`);
      return false;
    }
    if (created?.apiKey.id === key.id) setCreated(null);
    reexecute({ requestPolicy: 'network-only' });
    return true;
  };

  return (
    <>
      <CreateApiKeyForm onCreated={onCreated} />
      {created ? <CreatedKeyPanel created={created} onDone={() => setCreated(null)} /> : null}

      <section className="card table-card" data-testid="api-keys" aria-labelledby="api-keys-title">
        <div className="table-card__head">
          <h2 id="api-keys-title" className="table-card__title">
            Keys
          </h2>
          <span className="muted" data-testid="api-keys-count" data-value={keys.length}>
            {keys.length} {keys.length === 1 ? 'key' : 'keys'} · {active} active
            {refreshedAt ? ` · usage at ${formatClock(refreshedAt)}` : ''}
          </span>
        </div>
        {actionError ? (
          <div className="callout callout--error table-card__callout" role="alert" data-testid="api-keys-action-error">
            {actionError}
          </div>
        ) : null}
        {result.error && !result.data ? (
          <div className="callout callout--error table-card__callout" data-testid="api-keys-error">
            Could not load keys: {apiError(result.error).message}
          </div>
        ) : !result.data ? (
          <div className="skeleton skeleton--rows" aria-busy />
        ) : (
          <ApiKeysTable keys={keys} canRevoke={canManage} revokingId={revokingId} onRevoke={onRevoke} />
        )}
      </section>
    </>
  );
}
