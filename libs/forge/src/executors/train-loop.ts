/** Runs a Trainer inside a phase: metrics per step, validation per epoch, checkpoints, cancel. */
import type { TrainData, Trainer, TrainerCheckpoint, TrainResult } from '@aivillage/training';
import { PhaseStoppedError, type PhaseContext } from '../executor.js';

export interface TrainLoopOptions {
  /** Prefix of the metric names (`loss`, `accuracy`, `validation_accuracy`, `validation_loss`). */
  prefix?: string;
  /** Added to the trainer's step numbers (several trainings in one phase). */
  stepOffset?: number;
  /** Save a checkpoint every this many steps (and at every epoch end); none when absent. */
  checkpointEverySteps?: number;
  /** What to store for a checkpoint (default: the trainer's own). */
  checkpointState?: (trainer: TrainerCheckpoint) => unknown;
}

export async function trainInPhase(ctx: PhaseContext, trainer: Trainer, data: TrainData, opts: TrainLoopOptions = {}): Promise<TrainResult> {
  const prefix = opts.prefix ?? '';
  const offset = opts.stepOffset ?? 0;
  const save = async () => ctx.saveCheckpoint((opts.checkpointState ?? ((c) => c))(trainer.checkpoint()));
  const result = await trainer.train(data, {
    yieldEveryMs: 20,
    shouldStop: () => ctx.shouldStop(),
    onStep: async (s) => {
      ctx.metric(offset + s.step, `${prefix}loss`, s.loss);
      ctx.metric(offset + s.step, `${prefix}accuracy`, s.batchAccuracy);
      if (opts.checkpointEverySteps && s.step % opts.checkpointEverySteps === 0) await save();
    },
    onEpoch: async (e) => {
      const step = offset + trainer.step;
      if (e.validationAccuracy !== null) ctx.metric(step, `${prefix}validation_accuracy`, e.validationAccuracy);
      if (e.validationLoss !== null) ctx.metric(step, `${prefix}validation_loss`, e.validationLoss);
      if (opts.checkpointEverySteps) await save();
    },
  });
  if (result.status === 'stopped') throw new PhaseStoppedError();
  return result;
}
