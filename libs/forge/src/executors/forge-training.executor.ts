/**
 * FORGE_TRAINING: gradient training of the model on the run's training split (Adam, softmax
 * cross-entropy, cosine learning rate), quantisation-aware when the model is ternary. Loss
 * and accuracy go out per step, validation figures per epoch; the full trainer state is
 * checkpointed every `checkpointEverySteps` steps, and an attempt after a worker died
 * resumes from the last checkpoint with the same data order, so it ends where an
 * uninterrupted run would have.
 */
import { Trainer, type TrainerCheckpoint } from '@aivillage/training';
import type { PhaseExecutor } from '../executor.js';
import type { PhaseSettings } from '../run-config.js';
import { trainInPhase } from './train-loop.js';
import { datasetSplit, formatOf, fromHandoff, measureAndRegister, round, toHandoff, type WorkingModel } from './model-io.js';

export const forgeTrainingExecutor: PhaseExecutor = {
  async run(ctx) {
    const s = ctx.phaseConfig.settings as PhaseSettings<'FORGE_TRAINING'>;
    const input = fromHandoff(ctx);
    const split = datasetSplit(ctx.config.splitSeed);
    const checkpoint = await ctx.loadCheckpoint<TrainerCheckpoint>();
    const trainer = checkpoint
      ? Trainer.restore(checkpoint)
      : Trainer.create(
          {
            arch: input.arch, seed: s.seed, epochs: s.epochs, batchSize: s.batchSize, l2: s.weightDecay, schedule: 'cosine',
            quantization: formatOf(input), optimizer: { kind: 'adam', learningRate: s.learningRate },
          },
          input.params,
        );
    const resumedFromStep = checkpoint ? trainer.step : 0;
    const started = performance.now();
    const result = await trainInPhase(ctx, trainer, { train: split.train, validation: split.validation }, { checkpointEverySteps: s.checkpointEverySteps });
    const trainMs = performance.now() - started;
    const model: WorkingModel = { arch: input.arch, params: result.params, quantization: input.quantization };
    const m = await measureAndRegister(ctx, model);
    const last = result.history.at(-1);
    return {
      summary: {
        format: formatOf(model),
        epochs: result.epochsCompleted,
        steps: result.steps,
        resumedFromStep,
        trainMs: Math.round(trainMs),
        finalTrainLoss: last ? round(last.trainLoss) : null,
        validationAccuracy: round(m.validationAccuracy),
        testAccuracy: round(m.testAccuracy),
        onnxBytes: m.bytes,
        modelVersion: m.artifact.version,
      },
      output: toHandoff(model, m.artifact),
    };
  },
};
