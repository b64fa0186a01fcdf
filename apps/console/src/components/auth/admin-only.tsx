'use client';
/**
 * Pages for platform admins only. The API refuses their operations to anyone else anyway;
 * this says so plainly instead of showing an empty page with a FORBIDDEN error.
 */
import type { ReactNode } from 'react';
import { useViewer } from './viewer';

export function AdminOnly({ children }: { children: ReactNode }) {
  const { viewer, loading, isAdmin, error } = useViewer();
  if (isAdmin) return <>{children}</>;
  if (loading) return <div className="card skeleton" aria-busy />;
  return (
    <div className="callout callout--warn" data-testid="admin-only">
      {error && !viewer
        ? `Could not check your role: ${error}`
        : `This page is for platform admins. You are signed in as ${viewer?.label ?? 'someone else'} (${viewer?.role.toLowerCase() ?? 'no role'}).`}
    </div>
  );
}
