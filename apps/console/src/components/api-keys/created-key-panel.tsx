'use client';
/**
 * The one and only display of a new key's secret. It lives in component state: it is gone on
 * "Done", on leaving the page, and on reload — the API stores only a hash of it.
 */
import { CopyButton } from '@/components/ui/copy-button';
import { StatusBadge } from '@/components/ui/status-badge';
import { titleCase } from '@/lib/format';
import type { CreatedKey } from './create-api-key-form';

export function CreatedKeyPanel({ created, onDone }: { created: CreatedKey; onDone: () => void }) {
  const { apiKey, secret } = created;
  return (
    <section className="card secret" data-testid="api-key-created" data-prefix={apiKey.prefix} aria-live="polite">
      <header className="secret__head">
        <StatusBadge tone="ok">Key created</StatusBadge>
        <span>
          <strong>{apiKey.name}</strong>
          <span className="muted">
            {' '}
            in {apiKey.namespace} · {titleCase(apiKey.tier)} · {apiKey.scopes.join(', ')}
          </span>
        </span>
      </header>
      <p className="secret__warning" data-testid="api-key-secret-note">
        <strong>Copy this key now — you won&apos;t see it again.</strong> Only a hash is stored; if it is lost, revoke
        it and create a new one.
      </p>
      <div className="secret__row">
        <code className="secret__value" data-testid="api-key-secret">
          {secret}
        </code>
        <CopyButton text={secret} testId="api-key-secret-copy" label="Copy key" />
      </div>
      <p className="muted secret__usage">
        Send it as <code className="mono">Authorization: Bearer {apiKey.prefix}_…</code> or{' '}
        <code className="mono">X-API-Key</code>; over WebSocket as <code className="mono">connectionParams.apiKey</code>.
      </p>
      <div>
        <button type="button" className="button button--secondary" onClick={onDone} data-testid="api-key-secret-done">
          I&apos;ve stored it
        </button>
      </div>
    </section>
  );
}
