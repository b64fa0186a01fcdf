import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CLOUD_GPU_HOUR_MICROS,
  costOfUsage,
  costReport,
  formatUsd,
  GPU_HOUR_PRICE_MICROS,
  monthlyInvoice,
  splitUsageAtUtcDays,
  unitPriceMicrosPerHour,
  utcMonthRange,
  type UsageRecord,
} from './cost.js';
import { TIERS } from './tiers.js';

const H = 3600;
const rec = (extra: Partial<UsageRecord>): UsageRecord => ({
  namespace: 'ns-a',
  tier: 'BRONZE',
  startedAt: Date.UTC(2026, 0, 10, 8),
  endedAt: Date.UTC(2026, 0, 10, 9),
  cpuCoreSeconds: 0,
  gpuSeconds: 0,
  memoryGbSeconds: 0,
  ...extra,
});

test("the guide's price table: $0.50 / $0.75 / $1.00 / $1.50 per GPU-hour vs $2.50, saving 80 / 70 / 60 / 40 %", () => {
  assert.equal(CLOUD_GPU_HOUR_MICROS, 2_500_000);
  const expected = { BRONZE: [500_000, 80], SILVER: [750_000, 70], GOLD: [1_000_000, 60], PLATINUM: [1_500_000, 40] } as const;
  for (const tier of TIERS) {
    assert.equal(GPU_HOUR_PRICE_MICROS[tier], expected[tier][0]);
    const c = costOfUsage(rec({ tier, gpuSeconds: H }));
    assert.deepEqual([c.totalMicros, c.cloudMicros, c.savingMicros, c.savingPercent], [expected[tier][0], 2_500_000, 2_500_000 - expected[tier][0], expected[tier][1]]);
  }
});

test('CPU-only jobs: a core-hour is 1/32 and a GB-hour 1/256 of the tier GPU-hour price, so the saving percent is the same', () => {
  assert.equal(unitPriceMicrosPerHour('BRONZE', 'CPU'), 15_625);
  assert.equal(unitPriceMicrosPerHour('BRONZE', 'MEMORY'), 1_953.125);
  // The guide's fog node, fully used for an hour on Silver: 16 cores, 64 GB.
  const c = costOfUsage(rec({ tier: 'SILVER', cpuCoreSeconds: 16 * H, memoryGbSeconds: 64 * H }));
  assert.deepEqual([c.gpuMicros, c.cpuMicros, c.memoryMicros, c.totalMicros], [0, 375_000, 187_500, 562_500]);
  assert.equal(c.cloudMicros, 1_875_000);
  assert.equal(c.savingPercent, 70);
});

test('amounts are rounded half up once from the exact value, in integer micro-dollars', () => {
  // 1 ms of Bronze memory: 1953.125 µ$/h ÷ 3.6e6 → 0.00054 µ$ → 0; 1 GB-hour → 1953.125 → 1953.
  assert.equal(costOfUsage(rec({ memoryGbSeconds: 0.001 })).totalMicros, 0);
  assert.equal(costOfUsage(rec({ memoryGbSeconds: H })).memoryMicros, 1953);
  // 1.8 GPU-seconds on Bronze = 250 µ$ exactly; 0.0036 s = 0.5 µ$ → rounds up to 1.
  assert.equal(costOfUsage(rec({ gpuSeconds: 1.8 })).totalMicros, 250);
  assert.equal(costOfUsage(rec({ gpuSeconds: 0.0036 })).totalMicros, 1);
  // No float drift: 0.1 s of GPU 36,000 times is one GPU-hour.
  const many = Array.from({ length: 36_000 }, () => rec({ gpuSeconds: 0.1 }));
  assert.equal(costReport(many).total.totalMicros, 500_000);
  assert.equal(costOfUsage(rec({})).savingPercent, null);
  assert.throws(() => costOfUsage(rec({ gpuSeconds: -1 })), RangeError);
});

test('a record crossing UTC midnight is split in proportion to time, and the parts add up exactly', () => {
  const r = rec({ startedAt: Date.UTC(2026, 0, 31, 23), endedAt: Date.UTC(2026, 1, 1, 2), gpuSeconds: 3 * H, cpuCoreSeconds: 10, memoryGbSeconds: 1 });
  const parts = splitUsageAtUtcDays(r);
  assert.deepEqual(parts.map((p) => [new Date(p.startedAt).toISOString(), new Date(p.endedAt).toISOString(), p.gpuSeconds]), [
    ['2026-01-31T23:00:00.000Z', '2026-02-01T00:00:00.000Z', H],
    ['2026-02-01T00:00:00.000Z', '2026-02-01T02:00:00.000Z', 2 * H],
  ]);
  assert.equal(parts.reduce((s, p) => s + p.cpuCoreSeconds * 1000, 0), 10_000);
  assert.equal(parts.reduce((s, p) => s + p.memoryGbSeconds * 1000, 0), 1_000);
  assert.deepEqual(splitUsageAtUtcDays(rec({ gpuSeconds: 5 })).length, 1);
  assert.throws(() => splitUsageAtUtcDays(rec({ endedAt: Date.UTC(2026, 0, 1) })), RangeError);
});

test('cost report: per tier and per UTC day, filtered by namespace and period', () => {
  const records = [
    rec({ tier: 'BRONZE', gpuSeconds: 2 * H }),
    rec({ tier: 'GOLD', gpuSeconds: H, startedAt: Date.UTC(2026, 0, 11, 8), endedAt: Date.UTC(2026, 0, 11, 9) }),
    rec({ tier: 'GOLD', cpuCoreSeconds: 32 * H, startedAt: Date.UTC(2026, 0, 11, 10), endedAt: Date.UTC(2026, 0, 11, 11) }),
    rec({ namespace: 'ns-b', tier: 'PLATINUM', gpuSeconds: 100 * H }),
  ];
  const r = costReport(records, { namespace: 'ns-a' });
  assert.deepEqual(Object.keys(r.byTier), ['BRONZE', 'GOLD']);
  assert.equal(r.byTier.BRONZE!.totalMicros, 1_000_000);
  assert.equal(r.byTier.GOLD!.totalMicros, 2_000_000);
  assert.equal(r.byTier.GOLD!.gpuHours, 1);
  assert.equal(r.byTier.GOLD!.cpuCoreHours, 32);
  assert.equal(r.total.totalMicros, 3_000_000);
  assert.equal(r.total.cloudMicros, 7_500_000 + 2_500_000);
  assert.equal(r.total.savingPercent, 70);
  assert.deepEqual(r.byDay.map((d) => [d.day, d.total.totalMicros, Object.keys(d.byTier)]), [
    ['2026-01-10', 1_000_000, ['BRONZE']],
    ['2026-01-11', 2_000_000, ['GOLD']],
  ]);
  const oneDay = costReport(records, { namespace: 'ns-a', from: Date.UTC(2026, 0, 11), to: Date.UTC(2026, 0, 12) });
  assert.equal(oneDay.total.totalMicros, 2_000_000);
  const empty = costReport([]);
  assert.deepEqual([empty.byDay, empty.total.totalMicros, empty.total.savingPercent], [[], 0, null]);
});

test('monthly invoice: line items per tier and resource, totals that add up, usage cut at the month boundary', () => {
  const records = [
    rec({ tier: 'SILVER', gpuSeconds: 10 * H, cpuCoreSeconds: 40 * H, memoryGbSeconds: 160 * H }),
    rec({ tier: 'BRONZE', cpuCoreSeconds: 0.5 * H }),
    // Half in January, half in February.
    rec({ tier: 'PLATINUM', gpuSeconds: 4 * H, startedAt: Date.UTC(2026, 0, 31, 22), endedAt: Date.UTC(2026, 1, 1, 2) }),
    rec({ namespace: 'ns-b', tier: 'GOLD', gpuSeconds: 99 * H }),
  ];
  const inv = monthlyInvoice(records, 'ns-a', '2026-01');
  assert.deepEqual([inv.periodStart, inv.periodEnd], ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z']);
  assert.deepEqual(
    inv.lines.map((l) => [l.description, l.quantity, l.unitPriceMicros, l.amountMicros]),
    [
      ['Bronze CPU core-hours', 0.5, 15_625, 7_813],
      ['Silver GPU-hours', 10, 750_000, 7_500_000],
      ['Silver CPU core-hours', 40, 23_437.5, 937_500],
      ['Silver GB-hours', 160, 2_929.6875, 468_750],
      ['Platinum GPU-hours', 2, 1_500_000, 3_000_000],
    ],
  );
  assert.deepEqual(inv.subtotalsByTier, { BRONZE: 7_813, SILVER: 8_906_250, PLATINUM: 3_000_000 });
  assert.equal(inv.totalMicros, inv.lines.reduce((s, l) => s + l.amountMicros, 0));
  assert.equal(inv.totalMicros, 11_914_063);
  assert.equal(inv.totalCents, 1191);
  assert.equal(inv.cloudMicros, inv.lines.reduce((s, l) => s + l.cloudAmountMicros, 0));
  assert.equal(inv.savingMicros, inv.cloudMicros - inv.totalMicros);
  assert.equal(monthlyInvoice(records, 'ns-a', '2026-02').totalMicros, 3_000_000);
  assert.deepEqual(monthlyInvoice(records, 'nobody', '2026-01').lines, []);
  assert.throws(() => monthlyInvoice(records, 'ns-a', '2026-13'), RangeError);
});

test('utcMonthRange and formatUsd', () => {
  assert.deepEqual(utcMonthRange('2024-02'), { start: Date.UTC(2024, 1, 1), end: Date.UTC(2024, 2, 1) });
  assert.deepEqual(utcMonthRange('2025-12'), { start: Date.UTC(2025, 11, 1), end: Date.UTC(2026, 0, 1) });
  assert.equal(formatUsd(1_234_567_891), '$1,234.57');
  assert.equal(formatUsd(5_000), '$0.01');
  assert.equal(formatUsd(4_999), '$0.00');
  assert.equal(formatUsd(15_625, 6), '$0.015625');
  assert.equal(formatUsd(-2_500_000, 0), '-$3');
});
