/**
 * Root layout: the admin shell, the GraphQL client and the signed-in viewer. `API_URL` is
 * read here, per request (force-dynamic), so the same build can point at any API without
 * rebuilding; so is the presence of the API's session cookie, which decides whether the
 * shell shows navigation (the proxy has already sent page requests without one to sign in).
 */
import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import type { ReactNode } from 'react';
import { ViewerProvider } from '@/components/auth/viewer';
import { UrqlProvider } from '@/components/graphql/urql-provider';
import { Sidebar } from '@/components/shell/sidebar';
import { HydrationMarker } from '@/components/ui/hydration-marker';
import { apiEndpoints } from '@/lib/api-endpoints';
import { SESSION_COOKIE } from '@/lib/session';
import './globals.css';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'AIVillage Console', template: '%s · AIVillage Console' },
  description: 'Operations console of the AIVillage platform',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const endpoints = apiEndpoints(process.env.API_URL);
  const hasSession = Boolean((await cookies()).get(SESSION_COOKIE)?.value);
  return (
    <html lang="en">
      <body>
        <HydrationMarker />
        <UrqlProvider endpoints={endpoints}>
          <ViewerProvider hasSession={hasSession}>
            <div className="shell">
              <Sidebar apiHost={new URL(endpoints.http).host} />
              <main className="main">{children}</main>
            </div>
          </ViewerProvider>
        </UrqlProvider>
      </body>
    </html>
  );
}
