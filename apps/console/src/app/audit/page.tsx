/** Audit log: who did what, when, from where, and whether it was allowed (admins only). */
import type { Metadata } from 'next';
import { AdminOnly } from '@/components/auth/admin-only';
import { AuditLogPanel } from '@/components/audit/audit-log-panel';
import { PageShell } from '@/components/ui/page-shell';

export const metadata: Metadata = { title: 'Audit log' };

export default function AuditPage() {
  return (
    <PageShell
      testId="page-audit"
      title="Audit log"
      sub="Sign-ins, user and membership changes, and API keys issued or revoked — with who did it and from where."
    >
      <AdminOnly>
        <AuditLogPanel />
      </AdminOnly>
    </PageShell>
  );
}
