'use client';
/**
 * Creating a console account: email, optional name, an initial password (at least 10
 * characters; "Generate" makes a strong one and shows it so it can be handed over), the
 * platform role, and optionally a role in one namespace.
 */
import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import type { Role } from '@/gql/graphql';
import { apiError } from '@/lib/errors';
import { createUserMutation, setMembershipMutation } from './users.operations';

export const ROLES: Role[] = ['VIEWER', 'DEVELOPER', 'ADMIN'];
export const MIN_PASSWORD_LENGTH = 10;

const ROLE_HINT: Record<Role, string> = {
  VIEWER: 'Reads in its namespaces.',
  DEVELOPER: 'Reads, writes and issues keys in its namespaces.',
  ADMIN: 'Everything, in every namespace.',
};

function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function CreateUserForm({ namespaces, onCreated }: { namespaces: string[]; onCreated: (email: string) => void }) {
  const id = useId();
  const [creating, createUser] = useMutation(createUserMutation);
  const [, setMembership] = useMutation(setMembershipMutation);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [role, setRole] = useState<Role>('VIEWER');
  const [namespace, setNamespace] = useState('');
  const [namespaceRole, setNamespaceRole] = useState<Role>('VIEWER');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    setDone(null);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) return setError('Enter a valid email address.');
    if (password.length < MIN_PASSWORD_LENGTH) return setError(`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
    const result = await createUser({
      input: { email: email.trim(), name: name.trim() || null, password, role },
    });
    if (result.error || !result.data) return setError(result.error ? apiError(result.error).message : 'No answer');
    const user = result.data.createUser;
    if (namespace && role !== 'ADMIN') {
      const membership = await setMembership({ userId: user.id, namespace, role: namespaceRole });
      if (membership.error) {
        setError(`${user.email} was created, but adding it to ${namespace} failed: ${apiError(membership.error).message}`);
        onCreated(user.email);
        return;
      }
    }
    setDone(`Created ${user.email} (${user.role.toLowerCase()}).`);
    setEmail('');
    setName('');
    setPassword('');
    setShowPassword(false);
    onCreated(user.email);
  };

  return (
    <form className="card form-card" onSubmit={onSubmit} data-testid="user-form" noValidate>
      <div className="form-card__head">
        <h2 className="table-card__title">Create a user</h2>
        <p className="muted">They sign in with this email and password; share the password safely.</p>
      </div>
      <div className="form-grid form-grid--4">
        <label className="field" htmlFor={`${id}-email`}>
          <span className="field__label">Email</span>
          <input
            id={`${id}-email`}
            className="input"
            type="email"
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            data-testid="user-email"
          />
        </label>
        <label className="field" htmlFor={`${id}-name`}>
          <span className="field__label">
            Name <span className="field__optional">optional</span>
          </span>
          <input
            id={`${id}-name`}
            className="input"
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="user-name"
          />
        </label>
        <label className="field" htmlFor={`${id}-password`}>
          <span className="field__label">
            Password <span className="field__optional">min. {MIN_PASSWORD_LENGTH} characters</span>
          </span>
          <span className="input-group">
            <input
              id={`${id}-password`}
              className="input"
              type={showPassword ? 'text' : 'password'}
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="user-password"
            />
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                setPassword(generatePassword());
                setShowPassword(true);
              }}
            >
              Generate
            </button>
          </span>
        </label>
        <label className="field" htmlFor={`${id}-role`}>
          <span className="field__label">Platform role</span>
          <select
            id={`${id}-role`}
            className="input"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            data-testid="user-role"
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r.toLowerCase()}
              </option>
            ))}
          </select>
          <span className="field__hint">{ROLE_HINT[role]}</span>
        </label>
        <label className="field field--span2" htmlFor={`${id}-namespace`}>
          <span className="field__label">
            Namespace <span className="field__optional">optional · and the role in it</span>
          </span>
          <span className="input-group">
            <select
              id={`${id}-namespace`}
              className="input"
              value={role === 'ADMIN' ? '' : namespace}
              disabled={role === 'ADMIN'}
              onChange={(e) => setNamespace(e.target.value)}
              data-testid="user-namespace"
            >
              <option value="">{role === 'ADMIN' ? 'all (admin)' : '— none —'}</option>
              {namespaces.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
            <select
              className="input input--narrow"
              aria-label="Role in the namespace"
              value={namespaceRole}
              disabled={role === 'ADMIN' || !namespace}
              onChange={(e) => setNamespaceRole(e.target.value as Role)}
              data-testid="user-namespace-role"
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r.toLowerCase()}
                </option>
              ))}
            </select>
          </span>
        </label>
      </div>
      {error ? (
        <div className="callout callout--error" role="alert" data-testid="user-form-error">
          {error}
        </div>
      ) : null}
      {done ? (
        <div className="callout callout--ok" data-testid="user-form-done">
          {done}
        </div>
      ) : null}
      <div className="form-card__actions">
        <button type="submit" className="button button--primary" disabled={creating.fetching} data-testid="user-create">
          {creating.fetching ? 'Creating…' : 'Create user'}
        </button>
      </div>
    </form>
  );
}
