/** Profiling: CPU profiles and heap snapshots of live API instances and worker processes (admins only). */
import type { Metadata } from 'next';
import { AdminOnly } from '@/components/auth/admin-only';
import { ProfilingPanel } from '@/components/profiling/profiling-panel';
import { PageShell } from '@/components/ui/page-shell';

export const metadata: Metadata = { title: 'Profiling' };

export default function ProfilingPage() {
  return (
    <PageShell
      testId="page-profiling"
      title="Profiling"
      sub="Capture a CPU profile or a heap snapshot of any live API instance or worker process and download it for Chrome DevTools or speedscope."
    >
      <AdminOnly>
        <ProfilingPanel />
      </AdminOnly>
    </PageShell>
  );
}
