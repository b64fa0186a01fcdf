import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@aivillage/errors';
import { evaluateKpi, KPI_DEFINITIONS, parseWindow, statusOf } from './slo.js';

const kpi = (key: string) => KPI_DEFINITIONS.find((k) => k.key === key)!;

test('window strings: minutes, hours, days up to 7d; anything else is BAD_USER_INPUT', () => {
  assert.equal(parseWindow('5m'), 300_000);
  assert.equal(parseWindow('1h'), 3_600_000);
  assert.equal(parseWindow('24h'), 86_400_000);
  assert.equal(parseWindow('7d'), 604_800_000);
  for (const bad of ['', '0m', '1w', '8d', '-1h', '1.5h', 'h', '1h; drop table']) {
    assert.throws(() => parseWindow(bad), (e: unknown) => e instanceof AppError && e.code === 'BAD_USER_INPUT', bad);
  }
});

test('status against the guide targets: below / at-least / ranges, NO_DATA without a value', () => {
  assert.equal(statusOf(kpi('api.latency_p95'), 99.9), 'MET');
  assert.equal(statusOf(kpi('api.latency_p95'), 100), 'MISSED');
  assert.equal(statusOf(kpi('forge.inference_avg'), 12), 'MET', '12 ms average meets "12 ms average"');
  assert.equal(statusOf(kpi('api.availability'), 99.95), 'MET');
  assert.equal(statusOf(kpi('api.availability'), 99.8), 'MISSED');
  assert.equal(statusOf(kpi('fog.cost_saving'), 40), 'MET');
  assert.equal(statusOf(kpi('fog.cost_saving'), 60), 'MISSED');
  assert.equal(statusOf(kpi('forge.training_time'), 1), 'MISSED');
  assert.equal(statusOf(kpi('api.latency_p95'), null), 'NO_DATA');
  const r = evaluateKpi(kpi('rag.vector_search'), { value: null, samples: 0, source: 's' });
  assert.equal(r.status, 'NO_DATA');
  assert.ok(r.reason);
});

test('the catalogue lists every KPI of the guide once', () => {
  assert.equal(new Set(KPI_DEFINITIONS.map((k) => k.key)).size, KPI_DEFINITIONS.length);
  assert.equal(KPI_DEFINITIONS.length, 21);
});
