/**
 * A run's configuration, validated at the API boundary: per phase an executor (`builtin`,
 * `command` bound to a program the operator listed in TRAINING_COMMANDS, or `skip`) and the
 * phase's settings, each checked by its own schema. Every problem is reported with the
 * phase and field it concerns (`FORGE_TRAINING.learningRate: ...`).
 */
import { AppError, ErrorCode } from '@aivillage/errors';
import { z } from 'zod';
import { PHASE_INFO, TRAINING_PHASES, type TrainingPhase } from './phases.js';

const seed = z.number().int().min(0).max(2 ** 31 - 1);
const hidden = z.array(z.number().int().min(1).max(1024)).min(1).max(4);

/** Settings of each phase's built-in executor, with defaults that make the reference pipeline. */
export const phaseSettingsSchemas = {
  COGNATE: z.strictObject({
    /** Hidden layer widths of the MLP (input and output sizes come from the dataset). */
    hidden: hidden.default([256]),
    seed: seed.default(1),
  }),
  EVOMERGE: z.strictObject({
    /** Candidates trained from the shared initialisation with different data orders. */
    candidates: z.number().int().min(2).max(8).default(3),
    candidateEpochs: z.number().int().min(1).max(100).default(12),
    population: z.number().int().min(2).max(32).default(8),
    generations: z.number().int().min(1).max(50).default(4),
    learningRate: z.number().positive().max(1).default(0.003),
    seed: seed.default(2),
  }),
  QUIET_STAR: z.strictObject({}),
  BITNET_COMPRESSION: z.strictObject({
    /** Quantisation-aware fine-tuning epochs right after ternarising. */
    fineTuneEpochs: z.number().int().min(0).max(100).default(4),
    learningRate: z.number().positive().max(1).default(0.002),
  }),
  FORGE_TRAINING: z.strictObject({
    epochs: z.number().int().min(1).max(500).default(20),
    batchSize: z.number().int().min(1).max(1024).default(32),
    learningRate: z.number().positive().max(1).default(0.002),
    weightDecay: z.number().min(0).max(1).default(0),
    /** Steps between checkpoints (a retried attempt resumes from the last one). */
    checkpointEverySteps: z.number().int().min(1).max(100_000).default(100),
    seed: seed.default(3),
  }),
  TOOL_PERSONA_BAKING: z.strictObject({}),
  ADAS: z.strictObject({
    /** Architectures to try beside the current one. */
    variants: z.array(z.strictObject({ hidden })).min(1).max(8).default([{ hidden: [64] }, { hidden: [128] }, { hidden: [128, 64] }]),
    epochs: z.number().int().min(1).max(100).default(10),
    /** Accuracy points given up per doubling of size (0: accuracy alone decides). */
    sizePenalty: z.number().min(0).max(1).default(0.005),
    seed: seed.default(4),
  }),
  FINAL_COMPRESSION: z.strictObject({
    method: z.enum(['ternary-2bit', 'int8']).default('ternary-2bit'),
  }),
} satisfies Record<TrainingPhase, z.ZodType>;

export type PhaseSettings<P extends TrainingPhase> = z.infer<(typeof phaseSettingsSchemas)[P]>;

export type ExecutorKind = 'builtin' | 'command' | 'skip';

export interface PhaseConfigInput {
  phase: TrainingPhase;
  executor?: ExecutorKind | null;
  /** Name of a program in TRAINING_COMMANDS (executor `command`). */
  command?: string | null;
  /** Seconds before a command is killed (executor `command`). */
  timeoutSeconds?: number | null;
  settings?: unknown;
}

export interface PhaseConfig {
  executor: ExecutorKind;
  command?: string;
  timeoutSeconds?: number;
  settings: Record<string, unknown>;
  /** Why the phase will not run, for `skip`. */
  skipReason?: string;
}

export interface RunConfig {
  dataset: 'digits';
  /** Registry model the run's artifacts are versions of. */
  modelName: string;
  /** Seed of the train/validation/test split. */
  splitSeed: number;
  phases: Record<TrainingPhase, PhaseConfig>;
}

export interface RunConfigInput {
  dataset?: string | null;
  modelName?: string | null;
  splitSeed?: number | null;
  phases?: PhaseConfigInput[] | null;
}

const DEFAULT_COMMAND_TIMEOUT_S = 3600;

/**
 * Validates and completes a run configuration. Phases not mentioned get the built-in
 * executor when there is one, and are skipped otherwise. `commands` are the names the
 * operator bound (TRAINING_COMMANDS).
 */
export function parseRunConfig(input: RunConfigInput, opts: { runName: string; commands: readonly string[] }): RunConfig {
  const problems: { phase?: TrainingPhase; field: string; message: string }[] = [];
  const dataset = input.dataset ?? 'digits';
  if (dataset !== 'digits') problems.push({ field: 'dataset', message: `unknown dataset ${JSON.stringify(dataset)} (available: digits)` });
  const modelName = input.modelName ?? `forge-${opts.runName}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 128);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(modelName)) problems.push({ field: 'modelName', message: 'must be 1 to 128 letters, digits, ".", "_" or "-"' });
  const splitSeed = input.splitSeed ?? 7;
  if (!Number.isInteger(splitSeed) || splitSeed < 0) problems.push({ field: 'splitSeed', message: 'must be a non-negative integer' });

  const given = new Map<TrainingPhase, PhaseConfigInput>();
  for (const p of input.phases ?? []) {
    if (given.has(p.phase)) problems.push({ phase: p.phase, field: 'phase', message: 'configured more than once' });
    given.set(p.phase, p);
  }
  const phases = {} as Record<TrainingPhase, PhaseConfig>;
  for (const phase of TRAINING_PHASES) {
    const p = given.get(phase);
    const hasBuiltin = PHASE_INFO[phase].builtin !== null;
    const executor: ExecutorKind = p?.executor ?? (hasBuiltin ? 'builtin' : 'skip');
    const at = (field: string, message: string) => problems.push({ phase, field, message });
    if (executor === 'builtin' && !hasBuiltin) {
      at('executor', `${phase} has no built-in executor (it trains a language model); bind a command or skip it`);
    }
    if (executor === 'command') {
      if (!p?.command) at('command', 'required with executor COMMAND');
      else if (!opts.commands.includes(p.command)) {
        at('command', `unknown command ${JSON.stringify(p.command)}; bound commands: ${opts.commands.length ? opts.commands.join(', ') : 'none (set TRAINING_COMMANDS on the workers and the API)'}`);
      }
    } else if (p?.command != null) at('command', 'only with executor COMMAND');
    if (p?.timeoutSeconds != null && (executor !== 'command' || !Number.isInteger(p.timeoutSeconds) || p.timeoutSeconds < 1 || p.timeoutSeconds > 7 * 24 * 3600)) {
      at('timeoutSeconds', 'a whole number of seconds (1 to 604800), only with executor COMMAND');
    }
    let settings: Record<string, unknown> = {};
    if (executor === 'builtin') {
      const parsed = phaseSettingsSchemas[phase].safeParse(p?.settings ?? {});
      if (parsed.success) settings = parsed.data as Record<string, unknown>;
      else for (const issue of parsed.error.issues) at(['settings', ...issue.path].join('.'), issue.message);
    } else if (p?.settings != null) {
      // A command gets its settings as they are; they must be a JSON object.
      if (typeof p.settings !== 'object' || Array.isArray(p.settings)) at('settings', 'must be a JSON object');
      else settings = p.settings as Record<string, unknown>;
    }
    phases[phase] = {
      executor,
      ...(executor === 'command' && p?.command ? { command: p.command, timeoutSeconds: p.timeoutSeconds ?? DEFAULT_COMMAND_TIMEOUT_S } : {}),
      settings,
      ...(executor === 'skip'
        ? { skipReason: p?.executor === 'skip' ? 'skipped by the run configuration' : `no executor bound: ${PHASE_INFO[phase].title} trains a language model and needs a command binding (TRAINING_COMMANDS)` }
        : {}),
    };
  }
  if (!TRAINING_PHASES.some((ph) => phases[ph].executor !== 'skip')) problems.push({ field: 'phases', message: 'every phase is skipped: nothing to run' });
  if (problems.length) {
    const first = problems[0];
    const where = (p: (typeof problems)[number]) => (p.phase ? `${p.phase}.${p.field}` : p.field);
    throw new AppError(ErrorCode.BAD_USER_INPUT, `Invalid training run config: ${problems.map((p) => `${where(p)}: ${p.message}`).join('; ')}`, {
      details: { phase: first.phase ?? null, field: first.field, problems: problems.map((p) => ({ phase: p.phase ?? null, field: p.field, message: p.message })) },
    });
  }
  return { dataset: 'digits', modelName, splitSeed, phases };
}
