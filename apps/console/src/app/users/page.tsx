/** Users: console accounts, their platform roles and namespace memberships (admins only). */
import type { Metadata } from 'next';
import { AdminOnly } from '@/components/auth/admin-only';
import { UsersPanel } from '@/components/users/users-panel';

export const metadata: Metadata = { title: 'Users' };

export default function UsersPage() {
  return (
    <div className="page" data-testid="page-users">
      <header className="page__head">
        <h1 className="page__title">Users</h1>
        <p className="page__sub">Who can sign in to the console, with which platform role, and in which namespaces.</p>
      </header>
      <AdminOnly>
        <UsersPanel />
      </AdminOnly>
    </div>
  );
}
