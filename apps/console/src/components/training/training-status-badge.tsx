/**
 * A run's or a phase's status as a pill ("Running" pulses). The raw status goes to
 * `data-status` so tests read the enum, not the label.
 */
import type { TrainingPhaseStatus, TrainingRunStatus } from '@/gql/graphql';
import { StatusBadge } from '@/components/ui/status-badge';
import { statusLabel, statusTone } from './training-phases';

export function TrainingStatusBadge({ status, testId }: { status: TrainingRunStatus | TrainingPhaseStatus; testId: string }) {
  const tone = statusTone(status);
  return (
    <span className={`training-status${status === 'RUNNING' ? ' pulse' : ''}`} data-testid={testId} data-status={status}>
      <StatusBadge tone={tone}>{statusLabel(status)}</StatusBadge>
    </span>
  );
}
