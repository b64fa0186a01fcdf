/** API keys: issue, watch and revoke the keys that scripts and services use. */
import type { Metadata } from 'next';
import { ApiKeysPanel } from '@/components/api-keys/api-keys-panel';
import { PageShell } from '@/components/ui/page-shell';

export const metadata: Metadata = { title: 'API keys' };

export default function ApiKeysPage() {
  return (
    <PageShell
      testId="page-api-keys"
      title="API keys"
      sub={
        <>
          Keys let scripts and services call the API. Each belongs to one namespace and one tier, which sets its rate and
          connection limits.
        </>
      }
    >
      <ApiKeysPanel />
    </PageShell>
  );
}
