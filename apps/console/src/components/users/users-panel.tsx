'use client';
/** The Users page body (admins only): the create form and the accounts table. */
import { useQuery } from 'urql';
import { useViewer } from '@/components/auth/viewer';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError } from '@/lib/errors';
import { CreateUserForm } from './create-user-form';
import { UsersTable } from './users-table';
import { usersQuery } from './users.operations';

export function UsersPanel() {
  const mounted = useMounted();
  const { viewer } = useViewer();
  const [result, reexecute] = useQuery({ query: usersQuery, pause: !mounted, requestPolicy: 'cache-and-network' });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const users = result.data?.users ?? [];
  const namespaces = result.data?.namespaces.map((n) => n.name) ?? [];
  const admins = users.filter((u) => u.role === 'ADMIN').length;
  const disabled = users.filter((u) => u.disabled).length;

  return (
    <>
      <CreateUserForm namespaces={namespaces} onCreated={refresh} />
      <section className="card table-card" data-testid="users" aria-labelledby="users-title">
        <div className="table-card__head">
          <h2 id="users-title" className="table-card__title">
            Users
          </h2>
          <span className="muted" data-testid="users-count" data-value={users.length}>
            {users.length} {users.length === 1 ? 'account' : 'accounts'} · {admins} {admins === 1 ? 'admin' : 'admins'}
            {disabled ? ` · ${disabled} disabled` : ''}
          </span>
        </div>
        {result.error && !result.data ? (
          <div className="callout callout--error table-card__callout" data-testid="users-error">
            Could not load users: {apiError(result.error).message}
          </div>
        ) : !result.data ? (
          <div className="skeleton skeleton--rows" aria-busy />
        ) : (
          <UsersTable users={users} namespaces={namespaces} selfId={viewer?.user?.id ?? null} onChanged={refresh} />
        )}
      </section>
    </>
  );
}
