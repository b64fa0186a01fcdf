'use client';
/**
 * Who is signed in (`me`), queried once per page load for the whole shell: the sidebar shows
 * the label and role and picks the navigation by role; pages read the role to offer or hide
 * admin actions. Nothing is queried on the sign-in page or for a visitor without a session
 * cookie (the proxy has already sent page requests without one to the sign-in page).
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { usePathname } from 'next/navigation';
import { useQuery } from 'urql';
import type { ViewerQuery } from '@/gql/graphql';
import { useMounted } from '@/components/ui/use-mounted';
import { SIGN_IN_PATH } from '@/lib/session';
import { viewerQuery } from './auth.operations';

export type Viewer = ViewerQuery['me'];

export interface ViewerState {
  /** A session cookie came with the page and this is not the sign-in page. */
  signedIn: boolean;
  viewer: Viewer | null;
  /** True until `me` has answered (or failed). */
  loading: boolean;
  error: string | null;
  isAdmin: boolean;
}

const ViewerContext = createContext<ViewerState>({
  signedIn: false,
  viewer: null,
  loading: false,
  error: null,
  isAdmin: false,
});

export function useViewer(): ViewerState {
  return useContext(ViewerContext);
}

/** The namespaces the viewer may create things in: every one (`all`) for admins, else those where they are a developer. */
export function developerNamespaces({ viewer, isAdmin }: ViewerState, all: readonly string[]): string[] {
  if (isAdmin) return [...all];
  return (viewer?.user?.memberships ?? []).filter((m) => m.role !== 'VIEWER').map((m) => m.namespace);
}

/** What a form preselects: `default` when offered, else the first namespace. */
export function preferredNamespace(choices: readonly string[]): string {
  return choices.includes('default') ? 'default' : (choices[0] ?? '');
}

export function ViewerProvider({ hasSession, children }: { hasSession: boolean; children: ReactNode }) {
  const pathname = usePathname() ?? '/';
  const mounted = useMounted();
  const signedIn = hasSession && pathname !== SIGN_IN_PATH;
  const [result] = useQuery({ query: viewerQuery, pause: !mounted || !signedIn });
  const viewer = signedIn ? (result.data?.me ?? null) : null;
  const state = useMemo<ViewerState>(
    () => ({
      signedIn,
      viewer,
      loading: signedIn && !viewer && !result.error,
      error: result.error ? result.error.message : null,
      isAdmin: viewer?.role === 'ADMIN',
    }),
    [signedIn, viewer, result.error],
  );
  return <ViewerContext.Provider value={state}>{children}</ViewerContext.Provider>;
}
