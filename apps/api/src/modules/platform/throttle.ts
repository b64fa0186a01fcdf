/**
 * Thins a sample stream to one sample per `intervalMs`. Samples arrive every base
 * period; a sample passes when at least `intervalMs` minus half a period has gone by
 * since the last one passed, so a 2,000 ms interval over a 1,000 ms feed gives every
 * other sample despite jitter.
 */
export async function* throttleSamples<T extends { timestamp: string }>(
  source: AsyncIterable<T>,
  intervalMs: number,
  basePeriodMs: number,
): AsyncGenerator<T> {
  let last = -Infinity;
  const slack = basePeriodMs / 2;
  for await (const sample of source) {
    const at = Date.parse(sample.timestamp);
    if (at - last >= intervalMs - slack) {
      last = at;
      yield sample;
    }
  }
}
