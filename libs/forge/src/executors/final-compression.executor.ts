/**
 * FINAL_COMPRESSION: the deployable model — weights packed 2-bit ternary (or int8 per output
 * channel), measured through onnxruntime on the held-out test split. Its figures are the
 * run's headline: size reduction against the float32 ONNX file of the same architecture,
 * and accuracy retention = its test accuracy over the best full-precision test accuracy any
 * earlier phase of this run measured.
 */
import { exportOnnx, retention, sizeReduction } from '@aivillage/training';
import type { PhaseExecutor } from '../executor.js';
import type { PhaseSettings } from '../run-config.js';
import { fromHandoff, measureAndRegister, round, toHandoff } from './model-io.js';

export const finalCompressionExecutor: PhaseExecutor = {
  async run(ctx) {
    const s = ctx.phaseConfig.settings as PhaseSettings<'FINAL_COMPRESSION'>;
    const model = fromHandoff(ctx);
    const format = s.method === 'int8' ? 'int8' : 'ternary';
    const float32Bytes = exportOnnx(model.arch, model.params, 'float32').byteLength;
    const m = await measureAndRegister(ctx, model, format);
    const fullPrecision = Object.values(ctx.previousSummaries)
      .filter((sum) => sum?.format === 'float32' && typeof sum.testAccuracy === 'number' && sum.testAccuracy > 0)
      .map((sum) => sum!.testAccuracy as number);
    const best = fullPrecision.length ? Math.max(...fullPrecision) : null;
    return {
      summary: {
        format,
        method: s.method,
        onnxBytes: m.bytes,
        float32OnnxBytes: float32Bytes,
        sizeReduction: round(sizeReduction(float32Bytes, m.bytes)),
        testAccuracy: round(m.testAccuracy),
        bestFullPrecisionTestAccuracy: best === null ? null : round(best),
        retention: best === null ? null : round(retention(m.testAccuracy, best)),
        modelVersion: m.artifact.version,
      },
      output: toHandoff(model, m.artifact),
    };
  },
};
