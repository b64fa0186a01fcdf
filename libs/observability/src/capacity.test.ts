import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '@aivillage/errors';
import {
  API_CAPACITY, apiInstancesFor, ceil, databaseResourcesFor, hpaReplicasFor, planCapacity, type CapacityPlan, type CapacityPlanInput,
} from './capacity.js';

const ctx = { databasePoolSize: 10 };
const base: CapacityPlanInput = { targetRps: 1000, dataSizeGb: 100, databaseQps: 1000 };

function codeOf(fn: () => unknown): { code: string; message: string; problems: string[] } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AppError, `expected an AppError, got ${error}`);
    return { code: error.code, message: error.message, problems: (error.details?.problems as string[]) ?? [] };
  }
  assert.fail('expected an error');
}

describe('the guide’s API formula', () => {
  test('instances = max(ceil(rps / (base × 100 / latency) × 1.3), 2), as the guide’s Python computes it', () => {
    assert.equal(apiInstancesFor(1000, 100, 100), 13); // 1000/100 × 1.3 = 13 exactly (not 14 from float dust)
    assert.equal(apiInstancesFor(1001, 100, 100), 14);
    assert.equal(apiInstancesFor(100, 100, 100), 2); // 1.3 → 2, and the minimum is 2 anyway
    assert.equal(apiInstancesFor(1, 100, 100), 2);
    assert.equal(apiInstancesFor(5000, 100, 1388), 5); // 4.68
    // The guide's latency factor is 100 / target: a tighter target *raises* capacity (see the warning test).
    assert.equal(apiInstancesFor(5000, 50, 1388), 3); // 5000 / 2776 × 1.3 = 2.34
    assert.equal(apiInstancesFor(5000, 200, 1388), 10); // 5000 / 694 × 1.3 = 9.37
  });

  test('ceil ignores floating-point dust but nothing larger', () => {
    assert.equal(0.1 * 3 * 10, 3.0000000000000004);
    assert.equal(ceil(0.1 * 3 * 10), 3);
    assert.equal(ceil(13.001), 14);
    assert.equal(ceil(0.014), 1);
  });

  test('the HPA settles on ceil(rps / 100) pods between 3 and 50', () => {
    assert.equal(hpaReplicasFor(50), 3);
    assert.equal(hpaReplicasFor(1000), 10);
    assert.equal(hpaReplicasFor(1050), 11);
    assert.equal(hpaReplicasFor(10_000), 50);
  });
});

describe('the guide’s database formula', () => {
  test('memory max(8, 0.25·data + 0.1·qps), cores max(4, 4 + ceil(qps/100)), storage 2·data, replicas ceil(0.7·qps/500)', () => {
    assert.deepEqual(databaseResourcesFor(100, 1000), { memoryGb: 125, cpuCores: 14, storageGb: 200, readReplicas: 2 });
    assert.deepEqual(databaseResourcesFor(10, 10), { memoryGb: 8, cpuCores: 5, storageGb: 20, readReplicas: 1 });
    assert.deepEqual(databaseResourcesFor(1000, 5000), { memoryGb: 750, cpuCores: 54, storageGb: 2000, readReplicas: 7 });
  });
});

describe('planCapacity', () => {
  test('defaults to the measured runInference capacity and the guide’s 100 ms, and says so', () => {
    const plan = planCapacity({ targetRps: 5000, dataSizeGb: 100, databaseQps: 1000 }, ctx);
    assert.equal(plan.apiInstances.value, 5);
    const byName = Object.fromEntries(plan.apiInstances.inputs.map((i) => [i.name, i]));
    assert.equal(byName.base_capacity.value, 1388);
    assert.match(byName.base_capacity.source, /^Measured .*bench:inference.*p99 < 45 ms/);
    assert.equal(byName.target_latency_ms.value, 100);
    assert.match(byName.target_latency_ms.source, /guide.*default/i);
    assert.match(byName.rps.source, /your input/);
    assert.match(plan.apiInstances.formulaSource, /calculate_api_instances/);
  });

  test('each workload uses its own measured (or the guide’s) figure; perInstanceRps overrides it', () => {
    const instances = (extra: Partial<CapacityPlanInput>) => planCapacity({ ...base, ...extra }, ctx).apiInstances;
    assert.equal(instances({ workload: 'GUIDE_BASELINE' }).value, 13);
    assert.equal(instances({ workload: 'GRAPHQL_NOOP' }).value, 2); // 1000/2191 × 1.3 = 0.59
    assert.equal(instances({ targetRps: 20_000, workload: 'GRAPHQL_NOOP' }).value, 12); // 11.87
    const own = instances({ workload: 'GRAPHQL_NOOP', perInstanceRps: 250 });
    assert.equal(own.value, 6); // 5.2
    const cap = own.inputs.find((i) => i.name === 'base_capacity')!;
    assert.equal(cap.value, 250);
    assert.match(cap.source, /your input/);
    assert.equal(API_CAPACITY.GRAPHQL_NOOP.value, 2191);
  });

  test('database figures follow the guide and name its formula', () => {
    const plan = planCapacity(base, ctx);
    assert.deepEqual(
      [plan.databaseMemoryGb.value, plan.databaseCpuCores.value, plan.databaseStorageGb.value, plan.databaseReadReplicas.value],
      [125, 14, 200, 2],
    );
    for (const f of [plan.databaseMemoryGb, plan.databaseCpuCores, plan.databaseStorageGb, plan.databaseReadReplicas]) {
      assert.match(f.formulaSource, /calculate_db_resources/);
    }
  });

  test('workers are sized only when their load is given, from measured per-worker capacity', () => {
    const none = planCapacity(base, ctx);
    assert.equal(none.inferenceWorkers, null);
    assert.equal(none.ingestionWorkers, null);
    const plan = planCapacity({ ...base, inferenceRps: 5000, ingestionChunksPerSecond: 500 }, ctx);
    assert.equal(plan.inferenceWorkers!.value, 5); // 5000/1388 × 1.3 = 4.68
    assert.equal(plan.ingestionWorkers!.value, 9); // 500/78 × 1.3 = 8.33
    assert.match(plan.ingestionWorkers!.inputs.find((i) => i.name === 'per_worker_capacity')!.source, /78 chunks\/s/);
    assert.match(plan.inferenceWorkers!.formulaSource, /no formula of its own for workers/);
  });

  test('database connections add every process’s pool and warn past PostgreSQL’s default limit', () => {
    const plan = planCapacity({ ...base, workload: 'GUIDE_BASELINE', inferenceRps: 5000 }, ctx);
    assert.equal(plan.databaseConnections.value, (13 + 5) * 10);
    assert.ok(plan.warnings.some((w) => /180 connections exceed PostgreSQL's default max_connections \(100\)/.test(w)), plan.warnings.join('\n'));
    const small = planCapacity({ targetRps: 10, dataSizeGb: 1, databaseQps: 1 }, { databasePoolSize: 1 });
    assert.equal(small.databaseConnections.value, 2);
    assert.deepEqual(small.warnings.filter((w) => /connections/.test(w)), []);
  });

  test('the HPA figure is compared with the formula both ways', () => {
    const under = planCapacity({ ...base, workload: 'GUIDE_BASELINE' }, ctx); // HPA 10 < formula 13
    assert.equal(under.hpaReplicas.value, 10);
    assert.ok(under.warnings.some((w) => /fewer than the 13 instances/.test(w)));
    const over = planCapacity({ ...base, targetRps: 3000 }, ctx); // HPA 30 > formula 3
    assert.ok(over.warnings.some((w) => /runs 30 pods where 3 instances/.test(w)));
    const capped = planCapacity({ ...base, targetRps: 8000 }, ctx);
    assert.equal(capped.hpaReplicas.value, 50);
    assert.ok(capped.warnings.some((w) => /stops at maxReplicas 50: pods then average 160 req\/s/.test(w)));
  });

  test('every figure carries a formula and sourced inputs', () => {
    const plan: CapacityPlan = planCapacity({ ...base, inferenceRps: 10, ingestionChunksPerSecond: 10 }, ctx);
    for (const figure of Object.values(plan).filter((v) => v && typeof v === 'object' && 'formula' in v)) {
      assert.ok(figure.formula && figure.formulaSource && figure.inputs.length > 0, figure.key);
      for (const i of figure.inputs) assert.ok(i.source.length > 10 && Number.isFinite(i.value), `${figure.key}.${i.name}`);
    }
  });

  test('a latency target other than 100 ms warns that the guide’s factor runs against intuition', () => {
    assert.deepEqual(planCapacity(base, ctx).warnings.filter((w) => /latency factor/.test(w)), []);
    const tight = planCapacity({ ...base, targetLatencyMs: 50 }, ctx);
    assert.ok(tight.warnings.some((w) => /latency factor 100 \/ 50 = 2 raises/.test(w)), tight.warnings.join('\n'));
  });

  test('inputs ≤ 0 are BAD_USER_INPUT naming every bad field at once', () => {
    const err = codeOf(() => planCapacity({ targetRps: 0, dataSizeGb: -5, databaseQps: 10, targetLatencyMs: 0, inferenceRps: -1 }, ctx));
    assert.equal(err.code, 'BAD_USER_INPUT');
    assert.match(err.message, /targetRps must be greater than 0 \(got 0\)/);
    assert.match(err.message, /dataSizeGb must be greater than 0 \(got -5\)/);
    assert.equal(err.problems.length, 4);
    assert.equal(codeOf(() => planCapacity({ ...base, perInstanceRps: 0 }, ctx)).code, 'BAD_USER_INPUT');
    assert.equal(codeOf(() => planCapacity({ ...base, ingestionChunksPerSecond: Number.NaN }, ctx)).code, 'BAD_USER_INPUT');
    assert.equal(codeOf(() => planCapacity({ ...base, workload: 'FAST' as never }, ctx)).code, 'BAD_USER_INPUT');
  });
});
