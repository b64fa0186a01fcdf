/**
 * BITNET_COMPRESSION: weights become ternary {-1, 0, +1}·γ per layer (BitNet b1.58's absmean
 * scale), first measured as they are, then after a quantisation-aware fine-tune (forward
 * through the ternary weights, straight-through gradients to latent float weights). The
 * model stays ternary from here: later training is quantisation-aware and exports 2-bit.
 */
import { evaluateOnnx, exportOnnx, sizeReduction, Trainer } from '@aivillage/training';
import type { PhaseExecutor } from '../executor.js';
import type { PhaseSettings } from '../run-config.js';
import { trainInPhase } from './train-loop.js';
import { datasetSplit, fromHandoff, measureAndRegister, round, toHandoff, type WorkingModel } from './model-io.js';

export const bitnetExecutor: PhaseExecutor = {
  async run(ctx) {
    const s = ctx.phaseConfig.settings as PhaseSettings<'BITNET_COMPRESSION'>;
    const input = fromHandoff(ctx);
    const split = datasetSplit(ctx.config.splitSeed);
    const floatBytes = exportOnnx(input.arch, input.params, 'float32').byteLength;
    const before = (await evaluateOnnx(exportOnnx(input.arch, input.params, 'ternary'), split.test)).accuracy;
    let params = input.params;
    if (s.fineTuneEpochs > 0) {
      const trainer = Trainer.create(
        { arch: input.arch, seed: 11, epochs: s.fineTuneEpochs, batchSize: 32, quantization: 'ternary', schedule: 'cosine', optimizer: { kind: 'adam', learningRate: s.learningRate } },
        input.params,
      );
      params = (await trainInPhase(ctx, trainer, { train: split.train, validation: split.validation })).params;
    }
    const model: WorkingModel = { arch: input.arch, params, quantization: 'ternary' };
    const m = await measureAndRegister(ctx, model, 'ternary');
    return {
      summary: {
        format: 'ternary',
        testAccuracyBeforeFineTune: round(before),
        testAccuracy: round(m.testAccuracy),
        fineTuneEpochs: s.fineTuneEpochs,
        onnxBytes: m.bytes,
        float32OnnxBytes: floatBytes,
        sizeReduction: round(sizeReduction(floatBytes, m.bytes)),
        modelVersion: m.artifact.version,
      },
      output: toHandoff(model, m.artifact),
    };
  },
};
