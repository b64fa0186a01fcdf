/** A fog job's or node's status as a pill, and a tier chip. Raw values go to `data-status` / `data-tier`. */
import type { FogJobStatus, FogNodeStatus, FogTier } from '@/gql/graphql';
import { StatusBadge } from '@/components/ui/status-badge';
import { titleCase } from '@/lib/format';
import { jobTone, nodeTone } from './fog-model';

export function FogJobStatusBadge({ status, testId }: { status: FogJobStatus; testId: string }) {
  return (
    <span className={status === 'RUNNING' ? 'pulse' : undefined} data-testid={testId} data-status={status}>
      <StatusBadge tone={jobTone(status)}>{titleCase(status.replace('_', ' '))}</StatusBadge>
    </span>
  );
}

export function FogNodeStatusBadge({ status, testId }: { status: FogNodeStatus; testId: string }) {
  return (
    <span data-testid={testId} data-status={status}>
      <StatusBadge tone={nodeTone(status)}>{titleCase(status)}</StatusBadge>
    </span>
  );
}

export function TierChip({ tier, testId }: { tier: FogTier; testId?: string }) {
  return (
    <span className={`tier tier--${tier.toLowerCase()}`} data-testid={testId} data-tier={tier}>
      {titleCase(tier)}
    </span>
  );
}
