'use client';
/**
 * Every console account: platform role (changeable), enabled or disabled, and its roles per
 * namespace (add, remove). Admins cannot demote or disable themselves (the API refuses it;
 * the controls on their own row are off).
 */
import { useState } from 'react';
import { useMutation } from 'urql';
import type { Role, UsersQuery } from '@/gql/graphql';
import { StatusBadge } from '@/components/ui/status-badge';
import { useNow } from '@/components/ui/use-now';
import { apiError } from '@/lib/errors';
import { formatAgo, formatDateTime } from '@/lib/format';
import { ROLES } from './create-user-form';
import { setMembershipMutation, updateUserMutation } from './users.operations';

export type UserRow = UsersQuery['users'][number];

export function UsersTable({
  users,
  namespaces,
  selfId,
  onChanged,
}: {
  users: UserRow[];
  namespaces: string[];
  selfId: string | null;
  onChanged: () => void;
}) {
  const now = useNow(10_000);
  const [, updateUser] = useMutation(updateUserMutation);
  const [, setMembership] = useMutation(setMembershipMutation);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState<string | null>(null);

  const run = async (userId: string, what: string, action: () => Promise<{ error?: Parameters<typeof apiError>[0] }>) => {
    setBusy(userId);
    setError(null);
    const result = await action();
    setBusy(null);
    if (result.error) setError(`${what}: ${apiError(result.error).message}`);
    onChanged();
  };

  return (
    <>
      {error ? (
        <div className="callout callout--error table-card__callout" role="alert" data-testid="users-action-error">
          {error}
        </div>
      ) : null}
      <div className="table-scroll">
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th>User</th>
              <th>Platform role</th>
              <th>Status</th>
              <th>Namespaces</th>
              <th>Created</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {users.map((u) => {
              const self = u.id === selfId;
              const locked = self || busy === u.id;
              return (
                <tr
                  key={u.id}
                  data-testid="user-row"
                  data-email={u.email}
                  data-role={u.role}
                  data-disabled={u.disabled ? 'true' : 'false'}
                  className={u.disabled ? 'row--inactive' : undefined}
                >
                  <td>
                    <div className="cell-title">
                      {u.email}
                      {self ? <span className="tag">you</span> : null}
                    </div>
                    <div className="muted">{u.name || '—'}</div>
                  </td>
                  <td>
                    <select
                      className="input input--compact"
                      aria-label={`Platform role of ${u.email}`}
                      value={u.role}
                      disabled={locked}
                      title={self ? 'You cannot change your own role' : undefined}
                      onChange={(e) => {
                        const role = e.target.value as Role;
                        void run(u.id, `Changing the role of ${u.email}`, () => updateUser({ id: u.id, input: { role } }));
                      }}
                      data-testid="user-row-role"
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r.toLowerCase()}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <span data-testid="user-row-status" data-value={u.disabled ? 'disabled' : 'active'}>
                      <StatusBadge tone={u.disabled ? 'neutral' : 'ok'}>{u.disabled ? 'Disabled' : 'Active'}</StatusBadge>
                    </span>
                  </td>
                  <td className="memberships" data-testid="user-row-memberships">
                    {u.role === 'ADMIN' ? <span className="muted">all (admin)</span> : null}
                    {u.memberships.map((m) => (
                      <span key={m.namespace} className="chip chip--removable" data-testid="membership">
                        {m.namespace} · {m.role.toLowerCase()}
                        <button
                          type="button"
                          className="chip__remove"
                          aria-label={`Remove ${u.email} from ${m.namespace}`}
                          title={`Remove from ${m.namespace}`}
                          disabled={busy === u.id}
                          onClick={() =>
                            void run(u.id, `Removing ${u.email} from ${m.namespace}`, () =>
                              setMembership({ userId: u.id, namespace: m.namespace, role: null }),
                            )
                          }
                        >
                          ×
                        </button>
                      </span>
                    ))}
                    {u.role !== 'ADMIN' && u.memberships.length === 0 ? <span className="muted">none</span> : null}
                    {u.role !== 'ADMIN' ? (
                      adding === u.id ? (
                        <AddMembership
                          options={namespaces.filter((n) => !u.memberships.some((m) => m.namespace === n))}
                          onCancel={() => setAdding(null)}
                          onAdd={(namespace, role) => {
                            setAdding(null);
                            void run(u.id, `Adding ${u.email} to ${namespace}`, () =>
                              setMembership({ userId: u.id, namespace, role }),
                            );
                          }}
                        />
                      ) : (
                        <button
                          type="button"
                          className="button button--link"
                          onClick={() => setAdding(u.id)}
                          data-testid="membership-add"
                        >
                          + add
                        </button>
                      )
                    ) : null}
                  </td>
                  <td title={formatDateTime(u.createdAt, true)}>{formatAgo(u.createdAt, now)}</td>
                  <td className="num">
                    <button
                      type="button"
                      className={`button button--small ${u.disabled ? 'button--secondary' : 'button--ghost-danger'}`}
                      disabled={locked}
                      title={self ? 'You cannot disable yourself' : undefined}
                      onClick={() =>
                        void run(u.id, `${u.disabled ? 'Enabling' : 'Disabling'} ${u.email}`, () =>
                          updateUser({ id: u.id, input: { disabled: !u.disabled } }),
                        )
                      }
                      data-testid="user-row-toggle"
                    >
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

function AddMembership({
  options,
  onAdd,
  onCancel,
}: {
  options: string[];
  onAdd: (namespace: string, role: Role) => void;
  onCancel: () => void;
}) {
  const [namespace, setNamespace] = useState(options[0] ?? '');
  const [role, setRole] = useState<Role>('VIEWER');
  if (options.length === 0) {
    return (
      <span className="muted">
        in every namespace{' '}
        <button type="button" className="button button--link" onClick={onCancel}>
          close
        </button>
      </span>
    );
  }
  return (
    <span className="inline-form" data-testid="membership-form">
      <select className="input input--compact" aria-label="Namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)}>
        {options.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      <select className="input input--compact" aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {ROLES.filter((r) => r !== 'ADMIN').map((r) => (
          <option key={r} value={r}>
            {r.toLowerCase()}
          </option>
        ))}
      </select>
      <button type="button" className="button button--primary button--small" onClick={() => onAdd(namespace, role)}>
        Add
      </button>
      <button type="button" className="button button--link" onClick={onCancel}>
        cancel
      </button>
    </span>
  );
}
