/**
 * The Agent Forge pipeline as the console shows it: the eight phases in pipeline order (the
 * GraphQL enum lists them alphabetically), what each does, whether the platform can run it
 * itself, and an example of its settings. The settings examples mirror the defaults of the
 * API's run configuration (README § Training); they are hints only — the API validates.
 */
import type { TrainingExecutor, TrainingPhase, TrainingPhaseStatus, TrainingRunStatus } from '@/gql/graphql';
import type { Tone } from '@/components/ui/status-badge';

export interface PhaseMeta {
  phase: TrainingPhase;
  title: string;
  /** What the built-in executor does; null when there is none (bind a command or skip). */
  builtin: string | null;
  /** The settings a built-in run accepts, with their defaults (shown as the placeholder). */
  settingsExample: string;
}

export const PHASES: readonly PhaseMeta[] = [
  {
    phase: 'COGNATE',
    title: 'Cognate',
    builtin: 'creates the model from its architecture and initialises its weights',
    settingsExample: '{ "hidden": [128], "seed": 1 }',
  },
  {
    phase: 'EVOMERGE',
    title: 'EvoMerge',
    builtin: 'trains candidates, then evolves merges (linear, SLERP, TIES) by validation accuracy',
    settingsExample: '{ "candidates": 3, "candidateEpochs": 12, "population": 8, "generations": 4, "learningRate": 0.003, "seed": 2 }',
  },
  {
    phase: 'QUIET_STAR',
    title: 'Quiet-STaR',
    builtin: null,
    settingsExample: '{ } (passed to the bound command as they are)',
  },
  {
    phase: 'BITNET_COMPRESSION',
    title: 'BitNet compression',
    builtin: 'ternary weights with a quantisation-aware fine-tune',
    settingsExample: '{ "fineTuneEpochs": 4, "learningRate": 0.002 }',
  },
  {
    phase: 'FORGE_TRAINING',
    title: 'Forge training',
    builtin: 'gradient training (Adam, cross-entropy) with checkpoints',
    settingsExample: '{ "epochs": 20, "batchSize": 32, "learningRate": 0.002, "weightDecay": 0, "checkpointEverySteps": 100, "seed": 3 }',
  },
  {
    phase: 'TOOL_PERSONA_BAKING',
    title: 'Tool/persona baking',
    builtin: null,
    settingsExample: '{ } (passed to the bound command as they are)',
  },
  {
    phase: 'ADAS',
    title: 'ADAS',
    builtin: 'searches architecture variants and keeps the best by accuracy and size',
    settingsExample: '{ "variants": [{ "hidden": [64] }, { "hidden": [256] }], "epochs": 10, "sizePenalty": 0.005, "seed": 4 }',
  },
  {
    phase: 'FINAL_COMPRESSION',
    title: 'Final compression',
    builtin: 'packs the weights (2-bit ternary or int8) into the final ONNX model',
    settingsExample: '{ "method": "ternary-2bit" }',
  },
];

export const PHASE_ORDER: readonly TrainingPhase[] = PHASES.map((p) => p.phase);

export function phaseMeta(phase: TrainingPhase): PhaseMeta {
  return PHASES.find((p) => p.phase === phase) ?? { phase, title: phase, builtin: null, settingsExample: '{ }' };
}

export function phaseTitle(phase: TrainingPhase): string {
  return phaseMeta(phase).title;
}

/** What a phase runs with when the run configuration does not mention it. */
export function defaultExecutor(phase: TrainingPhase): TrainingExecutor {
  return phaseMeta(phase).builtin ? 'BUILTIN' : 'SKIP';
}

export const RUN_STATUSES: readonly TrainingRunStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];

/** Queued or running: the run can be cancelled, not retried, and the page keeps refreshing. */
export function isActive(status: TrainingRunStatus): boolean {
  return status === 'QUEUED' || status === 'RUNNING';
}

/** A run's or a phase's status as a tone: the two share their outcomes. */
export function statusTone(status: TrainingRunStatus | TrainingPhaseStatus): Tone {
  switch (status) {
    case 'SUCCEEDED':
      return 'ok';
    case 'FAILED':
      return 'error';
    case 'RUNNING':
    case 'CANCELLED':
      return 'warn';
    default:
      return 'neutral';
  }
}

/** "Running", "Succeeded", … */
export function statusLabel(status: string): string {
  return status.charAt(0) + status.slice(1).toLowerCase();
}

interface PhaseLike {
  phase: TrainingPhase;
  status: TrainingPhaseStatus;
}

/**
 * The phase a run is at: the running one; else the one that failed or was cancelled; else
 * the last that succeeded; else the first still pending (a queued run). Null when every
 * phase was skipped.
 */
export function currentPhase<P extends PhaseLike>(phases: readonly P[]): P | null {
  const ordered = [...phases].sort((a, b) => PHASE_ORDER.indexOf(a.phase) - PHASE_ORDER.indexOf(b.phase));
  return (
    ordered.find((p) => p.status === 'RUNNING') ??
    ordered.find((p) => p.status === 'FAILED' || p.status === 'CANCELLED') ??
    ordered.filter((p) => p.status === 'SUCCEEDED').at(-1) ??
    ordered.find((p) => p.status === 'PENDING') ??
    null
  );
}

/**
 * How long something ran: until it finished, or until `now` while it runs (the API's
 * `durationMs` is measured when it answered, so a running clock is computed here).
 */
export function elapsedMs(
  item: { startedAt?: string | null; finishedAt?: string | null; durationMs?: number | null },
  now: number,
): number | null {
  if (item.startedAt && !item.finishedAt) return Math.max(0, now - Date.parse(item.startedAt));
  return item.durationMs ?? null;
}
