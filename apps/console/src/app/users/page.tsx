/** Users: console accounts, their platform roles and namespace memberships (admins only). */
import type { Metadata } from 'next';
import { AdminOnly } from '@/components/auth/admin-only';
import { UsersPanel } from '@/components/users/users-panel';
import { PageShell } from '@/components/ui/page-shell';

export const metadata: Metadata = { title: 'Users' };

export default function UsersPage() {
  return (
    <PageShell
      testId="page-users"
      title="Users"
      sub="Who can sign in to the console, with which platform role, and in which namespaces."
    >
      <AdminOnly>
        <UsersPanel />
      </AdminOnly>
    </PageShell>
  );
}
