/** API keys: issue, watch and revoke the keys that scripts and services use. */
import type { Metadata } from 'next';
import { ApiKeysPanel } from '@/components/api-keys/api-keys-panel';

export const metadata: Metadata = { title: 'API keys' };

export default function ApiKeysPage() {
  return (
    <div className="page" data-testid="page-api-keys">
      <header className="page__head">
        <h1 className="page__title">API keys</h1>
        <p className="page__sub">
          Keys let scripts and services call the API. Each belongs to one namespace and one tier, which sets its rate and
          connection limits.
        </p>
      </header>
      <ApiKeysPanel />
    </div>
  );
}
