/**
 * Observability against a real API and worker (isolated schema and Redis prefix):
 *  - the deploy artifacts' metric names (alert and recording rules, Grafana dashboard, the HPA's
 *    prometheus-adapter rule) all exist in a live /metrics scraped the way prometheus.yml does
 *    (bearer METRICS_SCRAPE_TOKEN), which `promtool check metrics` accepts; the probe paths the
 *    manifests use answer;
 *  - Query.capacityPlan for any signed-in caller, and BAD_USER_INPUT for inputs ≤ 0.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ACCEPTED_LINT, LAZY_WORKER_METRICS, lintProblems, promtool, referencedMetrics } from '@aivillage/observability/deploy';
import { exposedFamilies, familyOf } from '@aivillage/observability';
import { startTestStack, type TestStack } from '../../test-stack.js';

const SCRAPE_TOKEN = 'scrape-token-for-the-observability-test';

const PLAN = `query Plan($input: CapacityPlanInput!) { capacityPlan(input: $input) {
  apiInstances { key value unit formula formulaSource inputs { name value unit source } }
  hpaReplicas { value } databaseMemoryGb { value } databaseCpuCores { value } databaseStorageGb { value }
  databaseReadReplicas { value } databaseConnections { value inputs { name value source } }
  inferenceWorkers { value } ingestionWorkers { value } warnings } }`;

describe('observability', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ env: { METRICS_SCRAPE_TOKEN: SCRAPE_TOKEN, DATABASE_POOL_SIZE: '7' } });
  });
  after(() => stack.stop());

  /** /metrics as Prometheus scrapes it, once the worker's relayed series (queue wait per queue) are in. */
  async function scrape(): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await fetch(`${stack.apis[0].url}/metrics`, { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } });
      assert.equal(res.status, 200);
      const text = await res.text();
      if (/^aivillage_queue_wait_seconds_count\{[^}]*queue="maintenance"[^}]*\} /m.test(text)) return text;
      if (Date.now() > deadline) assert.fail('the worker’s metrics never reached /metrics');
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  test('the probe paths of deploy/k8s answer on a running API', async () => {
    assert.equal((await fetch(`${stack.apis[0].url}/healthz`)).status, 200);
    assert.equal((await fetch(`${stack.apis[0].url}/readyz`)).status, 200);
  });

  test('every metric the rules, dashboard and HPA adapter read is exported (or a documented lazily registered worker metric)', async () => {
    await stack.gql('{ platformStatus { healthy } }'); // some GraphQL traffic in the histograms
    const text = await scrape();
    const types = exposedFamilies(text);
    const referenced = referencedMetrics();
    assert.ok(referenced.length >= 15, `only ${referenced.length} names referenced`);
    const missing: string[] = [];
    for (const { name, where } of referenced) {
      if (familyOf(name, types)) continue;
      const lazy = Object.keys(LAZY_WORKER_METRICS).find((m) => name === m || [`${m}_bucket`, `${m}_sum`, `${m}_count`].includes(name));
      if (lazy) continue; // documented, and deploy.test checks the file named registers it
      missing.push(`${name} (${where.join(', ')})`);
    }
    assert.deepEqual(missing, [], 'referenced but not exported');
    // The adapter's series carry the labels its seriesQuery needs (pod/namespace come from the scrape).
    assert.match(text, /^http_request_duration_seconds_count\{[^}]*component="api"/m);
    // Worker series come through the API, labelled with the worker.
    assert.match(text, /^aivillage_queue_wait_seconds_bucket\{[^}]*component="worker"[^}]*worker="[^"]+"/m);
    // No peer links here: the success rate is absent (declared, no sample), not a 0 that reads as total failure.
    assert.match(text, /^# TYPE p2p_message_success_rate gauge$/m);
    assert.doesNotMatch(text, /^p2p_message_success_rate[{ ]/m);
  });

  test('promtool check metrics finds nothing but the accepted names (the guide’s, prom-client’s)', async () => {
    const r = promtool(['check', 'metrics'], { input: await scrape() });
    // 0: clean; 3: lint findings only (1 would be an unparsable exposition).
    assert.ok(r.status === 0 || r.status === 3, `promtool exited ${r.status}: ${r.output}`);
    const problems = lintProblems(r.output);
    const unexpected = problems.filter((p) => !(p.metric in ACCEPTED_LINT)).map((p) => `${p.metric}: ${p.problem}`);
    assert.deepEqual(unexpected, []);
    // The allow-list stays exact: each accepted name is still reported.
    assert.deepEqual([...new Set(problems.map((p) => p.metric))].sort(), Object.keys(ACCEPTED_LINT).sort());
  });

  test('capacityPlan: the guide’s formulas with measured capacity, for a caller with a read-only key', async () => {
    const { key } = await stack.createKey({ tier: 'BRONZE', scopes: ['read'] });
    const { status, body } = await stack.gql(PLAN, { input: { targetRps: 6000, dataSizeGb: 100, databaseQps: 1000, inferenceRps: 2000 } }, { key });
    assert.equal(status, 200, JSON.stringify(body.errors));
    const plan = body.data.capacityPlan;
    assert.equal(plan.apiInstances.value, 6); // 6000 / 1388 × 1.3 = 5.62
    const capacity = plan.apiInstances.inputs.find((i: any) => i.name === 'base_capacity');
    assert.equal(capacity.value, 1388);
    assert.match(capacity.source, /Measured.*bench:inference/);
    assert.match(plan.apiInstances.formulaSource, /calculate_api_instances/);
    assert.deepEqual(
      [plan.hpaReplicas.value, plan.databaseMemoryGb.value, plan.databaseCpuCores.value, plan.databaseStorageGb.value, plan.databaseReadReplicas.value],
      [50, 125, 14, 200, 2],
    );
    assert.equal(plan.inferenceWorkers.value, 2);
    assert.equal(plan.ingestionWorkers, null);
    // This deployment's pool size: (6 API + 2 workers) × 7.
    assert.equal(plan.databaseConnections.value, 56);
    assert.equal(plan.databaseConnections.inputs.find((i: any) => i.name === 'pool_size').value, 7);
    assert.ok(plan.warnings.some((w: string) => /maxReplicas 50/.test(w)));
  });

  test('capacityPlan: inputs ≤ 0 are BAD_USER_INPUT naming each field; signed-out callers get nothing', async () => {
    const { body } = await stack.gql(PLAN, { input: { targetRps: 0, dataSizeGb: 10, databaseQps: -3 } });
    assert.equal(body.errors[0].extensions.code, 'BAD_USER_INPUT');
    assert.match(body.errors[0].message, /targetRps must be greater than 0 \(got 0\)/);
    assert.match(body.errors[0].message, /databaseQps must be greater than 0 \(got -3\)/);
    const anonymous = await stack.gql(PLAN, { input: { targetRps: 10, dataSizeGb: 10, databaseQps: 10 } }, { key: null });
    assert.equal(anonymous.status, 401);
  });
});
