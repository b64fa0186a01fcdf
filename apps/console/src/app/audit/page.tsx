/** Audit log: who did what, when, from where, and whether it was allowed (admins only). */
import type { Metadata } from 'next';
import { AdminOnly } from '@/components/auth/admin-only';
import { AuditLogPanel } from '@/components/audit/audit-log-panel';

export const metadata: Metadata = { title: 'Audit log' };

export default function AuditPage() {
  return (
    <div className="page" data-testid="page-audit">
      <header className="page__head">
        <h1 className="page__title">Audit log</h1>
        <p className="page__sub">
          Sign-ins, user and membership changes, and API keys issued or revoked — with who did it and from where.
        </p>
      </header>
      <AdminOnly>
        <AuditLogPanel />
      </AdminOnly>
    </div>
  );
}
