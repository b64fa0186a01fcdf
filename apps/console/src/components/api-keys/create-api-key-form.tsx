'use client';
/**
 * Issuing a key: name, namespace, tier (with its limits), scopes and an optional expiry;
 * Platinum keys may carry a custom rate. Developers may issue Bronze and Silver keys in the
 * namespaces where they are developers; Gold and Platinum are for admins (the API enforces
 * both; the form only avoids offering what would be refused).
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import type { CreateApiKeyMutation, Tier } from '@/gql/graphql';
import { developerNamespaces, preferredNamespace, useViewer } from '@/components/auth/viewer';
import { NamespaceField } from '@/components/ui/namespace-field';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError } from '@/lib/errors';
import { titleCase } from '@/lib/format';
import { apiKeyOptionsQuery, createApiKeyMutation } from './api-keys.operations';

export const SCOPES = [
  { value: 'read', label: 'read', hint: 'queries and subscriptions' },
  { value: 'write', label: 'write', hint: 'mutations' },
  { value: 'metrics', label: 'metrics', hint: 'Prometheus /metrics' },
] as const;

const TIER_ORDER: Tier[] = ['BRONZE', 'SILVER', 'GOLD', 'PLATINUM'];
const ADMIN_TIERS: Tier[] = ['GOLD', 'PLATINUM'];

export type CreatedKey = CreateApiKeyMutation['createApiKey'];

/** "200 req/min · 50 conns", "unlimited". */
function limitsLabel(requests: number | null | undefined, conns: number | null | undefined): string {
  if (requests == null && conns == null) return 'unlimited';
  const r = requests == null ? 'unlimited req/min' : `${requests.toLocaleString('en-US')} req/min`;
  const c = conns == null ? 'unlimited conns' : `${conns.toLocaleString('en-US')} conns`;
  return `${r} · ${c}`;
}

/** The end of the chosen day in the viewer's time zone, as an ISO instant. */
function endOfDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d, 23, 59, 59, 999).toISOString();
}

function tomorrow(): string {
  const t = new Date(Date.now() + 86_400_000);
  return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')}`;
}

export function CreateApiKeyForm({ onCreated }: { onCreated: (created: CreatedKey) => void }) {
  const id = useId();
  const mounted = useMounted();
  const viewerState = useViewer();
  const { viewer, isAdmin } = viewerState;
  const [options] = useQuery({ query: apiKeyOptionsQuery, pause: !mounted });
  const [creating, createKey] = useMutation(createApiKeyMutation);

  const [name, setName] = useState('');
  const [namespace, setNamespace] = useState('');
  const [tier, setTier] = useState<Tier>('BRONZE');
  const [scopes, setScopes] = useState<string[]>(['read']);
  const [expires, setExpires] = useState('');
  const [rate, setRate] = useState('');
  const [error, setError] = useState<string | null>(null);

  const namespaceChoices = developerNamespaces(viewerState, options.data?.namespaces.map((n) => n.name) ?? []);
  const tiers = [...(options.data?.tiers ?? [])].sort((a, b) => TIER_ORDER.indexOf(a.tier) - TIER_ORDER.indexOf(b.tier));

  useEffect(() => {
    if (!namespace && namespaceChoices.length) setNamespace(preferredNamespace(namespaceChoices));
  }, [namespace, namespaceChoices]);

  const toggleScope = (scope: string) =>
    setScopes((prev) => (prev.includes(scope) ? prev.filter((s) => s !== scope) : [...prev, scope]));

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    if (!name.trim()) return setError('Give the key a name, e.g. the service that will use it.');
    if (!namespace) return setError('Choose a namespace.');
    if (scopes.length === 0) return setError('Choose at least one scope.');
    const rateLimitPerMinute = tier === 'PLATINUM' && rate.trim() ? Number(rate) : null;
    if (rateLimitPerMinute !== null && (!Number.isInteger(rateLimitPerMinute) || rateLimitPerMinute < 1)) {
      return setError('The custom rate must be a whole number of requests per minute, at least 1.');
    }
    const result = await createKey({
      input: {
        name: name.trim(),
        namespace,
        tier,
        scopes: SCOPES.map((s) => s.value).filter((s) => scopes.includes(s)),
        expiresAt: expires ? endOfDay(expires) : null,
        rateLimitPerMinute,
      },
    });
    if (result.error) return setError(apiError(result.error).message);
    if (result.data) {
      onCreated(result.data.createApiKey);
      setName('');
      setExpires('');
      setRate('');
    }
  };

  if (viewer && viewer.role === 'VIEWER') {
    return (
      <p className="callout callout--info" data-testid="api-key-create-denied">
        Viewers can see keys but not issue or revoke them. Ask an admin for the developer role in a namespace.
      </p>
    );
  }

  const noNamespace = options.data && viewer && namespaceChoices.length === 0;

  return (
    <form className="card form-card" onSubmit={onSubmit} data-testid="api-key-form" noValidate>
      <div className="form-card__head">
        <h2 className="table-card__title">Create a key</h2>
        <p className="muted">The secret is shown once, right after creation.</p>
      </div>
      {noNamespace ? (
        <p className="callout callout--info">You are not a developer in any namespace yet, so you cannot issue keys.</p>
      ) : null}
      <div className="form-grid form-grid--4">
        <label className="field" htmlFor={`${id}-name`}>
          <span className="field__label">Name</span>
          <input
            id={`${id}-name`}
            className="input"
            value={name}
            maxLength={200}
            placeholder="e.g. ingest-service"
            onChange={(e) => setName(e.target.value)}
            data-testid="api-key-name"
          />
        </label>
        <NamespaceField
          id={`${id}-namespace`}
          value={namespace}
          choices={namespaceChoices}
          onChange={setNamespace}
          testId="api-key-namespace"
        />
        <label className="field" htmlFor={`${id}-tier`}>
          <span className="field__label">Tier</span>
          <select
            id={`${id}-tier`}
            className="input"
            value={tier}
            onChange={(e) => setTier(e.target.value as Tier)}
            data-testid="api-key-tier"
          >
            {(tiers.length ? tiers.map((t) => t.tier) : TIER_ORDER).map((t) => {
              const limits = tiers.find((x) => x.tier === t);
              const locked = !isAdmin && ADMIN_TIERS.includes(t);
              return (
                <option key={t} value={t} disabled={locked}>
                  {titleCase(t)}
                  {limits ? ` · ${limitsLabel(limits.requestsPerMinute, limits.concurrentConnections)}` : ''}
                  {locked ? ' (admins only)' : ''}
                </option>
              );
            })}
          </select>
        </label>
        <label className="field" htmlFor={`${id}-expires`}>
          <span className="field__label">
            Expires <span className="field__optional">optional</span>
          </span>
          <input
            id={`${id}-expires`}
            className="input"
            type="date"
            min={tomorrow()}
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
            data-testid="api-key-expires"
          />
        </label>
        {tier === 'PLATINUM' ? (
          <label className="field" htmlFor={`${id}-rate`}>
            <span className="field__label">
              Custom rate <span className="field__optional">req/min, optional</span>
            </span>
            <input
              id={`${id}-rate`}
              className="input"
              type="number"
              min={1}
              step={1}
              placeholder="unlimited"
              value={rate}
              onChange={(e) => setRate(e.target.value)}
              data-testid="api-key-rate"
            />
          </label>
        ) : null}
        <fieldset className="field field--span3 scopes">
          <legend className="field__label">Scopes</legend>
          <div className="scopes__list">
            {SCOPES.map((s) => (
              <label key={s.value} className="check">
                <input
                  type="checkbox"
                  checked={scopes.includes(s.value)}
                  onChange={() => toggleScope(s.value)}
                  data-testid={`api-key-scope-${s.value}`}
                />
                <span className="mono">{s.label}</span>
                <span className="muted">{s.hint}</span>
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      {error ? (
        <div className="callout callout--error" role="alert" data-testid="api-key-form-error">
          {error}
        </div>
      ) : null}
      <div className="form-card__actions">
        <button
          type="submit"
          className="button button--primary"
          disabled={!mounted || creating.fetching || Boolean(noNamespace)}
          data-testid="api-key-create"
        >
          {creating.fetching ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}
