/**
 * Root layout: the admin shell and the GraphQL client. `API_URL` is read here, per request
 * (force-dynamic), so the same build can point at any API without rebuilding.
 */
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { UrqlProvider } from '@/components/graphql/urql-provider';
import { Sidebar } from '@/components/shell/sidebar';
import { apiEndpoints } from '@/lib/api-endpoints';
import './globals.css';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'AIVillage Console', template: '%s · AIVillage Console' },
  description: 'Operations console of the AIVillage platform',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  const endpoints = apiEndpoints(process.env.API_URL);
  return (
    <html lang="en">
      <body>
        <UrqlProvider endpoints={endpoints}>
          <div className="shell">
            <Sidebar apiHost={new URL(endpoints.http).host} />
            <main className="main">{children}</main>
          </div>
        </UrqlProvider>
      </body>
    </html>
  );
}
