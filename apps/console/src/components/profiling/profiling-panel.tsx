'use client';
/**
 * The Profiling page's state: live targets, the artifacts list (polled every second while a
 * capture is PENDING or CAPTURING), and the two capture mutations, whose refusals (seconds
 * outside 1..60, a busy or vanished process) are shown with their code.
 */
import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useApiEndpoints } from '@/components/graphql/urql-provider';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { RefreshButton } from '@/components/ui/toolbar';
import { Section } from '@/components/ui/section';
import { useInterval } from '@/components/ui/use-interval';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { ProfileArtifactsTable } from './profile-artifacts-table';
import { ProfilingTargetsTable } from './profiling-targets-table';
import { captureCpuProfileMutation, captureHeapSnapshotMutation, profileArtifactsQuery, profilingTargetsQuery } from './profiling.operations';

const PAGE = 50;

export function ProfilingPanel() {
  const mounted = useMounted();
  const endpoints = useApiEndpoints();
  const apiBase = endpoints.http.replace(/\/graphql$/, '');
  const [targets, refreshTargets] = useQuery({ query: profilingTargetsQuery, pause: !mounted });
  const [artifacts, refreshArtifacts] = useQuery({ query: profileArtifactsQuery, variables: { first: PAGE }, pause: !mounted });
  const [, captureCpu] = useMutation(captureCpuProfileMutation);
  const [, captureHeap] = useMutation(captureHeapSnapshotMutation);
  const [actionError, setActionError] = useState<ApiErrorInfo | null>(null);

  const nodes = artifacts.data?.profileArtifacts.nodes ?? [];
  const busy = useMemo(() => new Set(nodes.filter((a) => a.status === 'PENDING' || a.status === 'CAPTURING').map((a) => a.targetInstance)), [nodes]);
  useInterval(() => refreshArtifacts({ requestPolicy: 'network-only' }), busy.size ? 1000 : null);

  const act = async (run: () => Promise<{ error?: Parameters<typeof apiError>[0] }>) => {
    setActionError(null);
    const outcome = await run();
    if (outcome.error) setActionError(apiError(outcome.error));
    refreshArtifacts({ requestPolicy: 'network-only' });
  };

  return (
    <>
      <Section
        testId="profiling-targets-section"
        title="Live processes"
        sub="API instances and worker processes with a fresh heartbeat. A capture runs inside the chosen process through node:inspector; a heap snapshot pauses it while V8 walks its heap."
        aside={<RefreshButton onClick={() => refreshTargets({ requestPolicy: 'network-only' })} testId="profiling-targets-refresh" />}
      >
        {actionError ? <ApiErrorCallout error={actionError} testId="profiling-error" prefix="Could not start the capture" /> : null}
        {targets.error ? (
          <div className="callout callout--error" role="alert">
            {targets.error.message}
          </div>
        ) : null}
        {targets.data ? (
          <ProfilingTargetsTable
            targets={targets.data.profilingTargets}
            busy={busy}
            onCpu={(target, seconds) => act(() => captureCpu({ target, seconds }))}
            onHeap={(target) => act(() => captureHeap({ target }))}
          />
        ) : null}
      </Section>
      <Section
        testId="profile-artifacts-section"
        title="Profiles"
        sub="Download a .cpuprofile into Chrome DevTools (Performance) or speedscope.app, a .heapsnapshot into Chrome DevTools (Memory)."
        aside={<RefreshButton onClick={() => refreshArtifacts({ requestPolicy: 'network-only' })} testId="profile-artifacts-refresh" />}
      >
        {artifacts.error ? (
          <div className="callout callout--error" role="alert">
            {artifacts.error.message}
          </div>
        ) : null}
        {artifacts.data && nodes.length === 0 ? (
          <p className="muted" data-testid="profile-artifacts-empty">
            No profiles yet: capture one above.
          </p>
        ) : null}
        {nodes.length ? <ProfileArtifactsTable artifacts={nodes} apiBase={apiBase} /> : null}
      </Section>
    </>
  );
}
