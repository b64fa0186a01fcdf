/**
 * runInference end to end: GraphQL over HTTP → BullMQ → a real worker process running
 * onnxruntime-node → reply over Redis pub/sub, on models uploaded through the real endpoint
 * (the project's MLP and text encoder, and silero VAD from npm). Outputs are checked against
 * the models' reference forward passes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { buildMlpClassifier, buildTextEncoder, mlpForward, mlpWeights, type MlpSpec } from '@aivillage/models';
import { sileroVadBytes } from '@aivillage/models/fixtures';
import { startTestStack, type TestStack } from '../../test-stack.js';

const SPEC_V1: MlpSpec = { inputSize: 8, hidden: [16], classes: 3, seed: 1 };
const SPEC_V2: MlpSpec = { inputSize: 8, hidden: [16], classes: 3, seed: 2 };

const RUN = `mutation Run($m: String!, $v: Int, $a: String, $i: JSON!, $o: [String!]) {
  runInference(model: $m, version: $v, alias: $a, inputs: $i, outputs: $o) {
    namespace model version outputs
    timings { totalMs queueMs batchWaitMs runMs overheadMs batchSize batchRequests worker } } }`;
const REGISTER = `mutation($i: RegisterModelVersionInput!) { registerModelVersion(input: $i) { version } }`;
const SET_ALIAS = 'mutation($m: String!, $a: String!, $v: Int) { setModelAlias(model: $m, alias: $a, version: $v) { name } }';

let stack: TestStack;

async function register(model: string, bytes: Uint8Array, task: string, aliases: string[] = []): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), 'model.onnx');
  const res = await fetch(`${stack.apis[0].url}/v1/models/artifacts`, { method: 'POST', headers: { authorization: `Bearer ${stack.adminKey}` }, body: form });
  assert.equal(res.status, 201);
  const { sha256 } = (await res.json()) as { sha256: string };
  const r = await stack.gql(REGISTER, { i: { namespace: 'default', model, sha256, task, aliases } });
  assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
  return r.body.data.registerModelVersion.version;
}

const run = (m: string, i: unknown, extra: { v?: number; a?: string; o?: string[] } = {}) => stack.gql(RUN, { m, i, ...extra });

function expected(spec: MlpSpec, rows: number[][]): number[] {
  return Array.from(mlpForward(mlpWeights(spec), rows.flat(), rows.length));
}

function assertClose(actual: number[], wanted: number[], tol = 1e-5): void {
  assert.equal(actual.length, wanted.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - wanted[i]) < tol, `[${i}] ${a} vs ${wanted[i]}`));
}

const row = (k: number) => Array.from({ length: 8 }, (_, j) => Math.sin(k + j));

before(async () => {
  stack = await startTestStack({ apis: 1, workers: 1 });
  await register('mlp', buildMlpClassifier(SPEC_V1), 'classification', ['production']);
  await register('mlp', buildMlpClassifier(SPEC_V2), 'classification', ['staging']);
  await register('encoder', buildTextEncoder({ vocabSize: 20, dim: 4, seed: 1 }), 'embedding');
  await register('vad', sileroVadBytes(), 'voice-activity');
});
after(() => stack.stop());

describe('runInference', () => {
  test('runs the production alias by default and returns what the model computes, with timings', async () => {
    const rows = [row(1), row(2)];
    const { status, body } = await run('mlp', { features: rows });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const r = body.data.runInference;
    assert.equal(r.version, 1);
    assert.deepEqual(r.outputs.probabilities.dims, [2, 3]);
    assert.equal(r.outputs.probabilities.dtype, 'float32');
    assertClose(r.outputs.probabilities.data, expected(SPEC_V1, rows));
    const t = r.timings;
    assert.ok(t.totalMs > 0 && t.totalMs >= t.runMs, JSON.stringify(t));
    assert.ok(t.batchSize >= 2 && t.batchRequests >= 1);
    assert.match(t.worker, /\S/);
  });

  test('version and alias select what runs; flat { data, dims } inputs work too', async () => {
    const rows = [row(3)];
    const byVersion = (await run('mlp', { features: { data: rows.flat(), dims: [1, 8] } }, { v: 2 })).body.data.runInference;
    assert.equal(byVersion.version, 2);
    assertClose(byVersion.outputs.probabilities.data, expected(SPEC_V2, rows));
    const byAlias = (await run('mlp', { features: rows }, { a: 'staging' })).body.data.runInference;
    assert.equal(byAlias.version, 2);
  });

  test('moving an alias takes effect on the next request (the resolution cache is invalidated)', async () => {
    assert.equal((await run('mlp', { features: [row(0)] })).body.data.runInference.version, 1);
    await stack.gql(SET_ALIAS, { m: 'mlp', a: 'production', v: 2 });
    assert.equal((await run('mlp', { features: [row(0)] })).body.data.runInference.version, 2);
    await stack.gql(SET_ALIAS, { m: 'mlp', a: 'production', v: 1 });
    assert.equal((await run('mlp', { features: [row(0)] })).body.data.runInference.version, 1);
  });

  test('concurrent requests share batches and each gets its own rows back', async () => {
    // Requests share a run when they reach the API in the same turn or the worker while a run is
    // queued; on a busy machine one burst may trickle in one by one, so up to five bursts.
    let shared = 0;
    for (let burst = 0; burst < 5 && shared === 0; burst++) {
      const results = await Promise.all(Array.from({ length: 40 }, (_, k) => run('mlp', { features: [row(k)] })));
      results.forEach(({ body }, k) => {
        assert.equal(body.errors, undefined, JSON.stringify(body.errors));
        const r = body.data.runInference;
        assertClose(r.outputs.probabilities.data, expected(SPEC_V1, [row(k)]));
        if (r.timings.batchRequests > 1) shared++;
      });
    }
    assert.ok(shared > 0, 'no request shared a run');
  });

  test('outputs can be selected; a model that cannot be batched (silero VAD from npm) runs alone', async () => {
    const samples = Array.from({ length: 512 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16000));
    const state = { data: new Array(2 * 64).fill(0), dims: [2, 1, 64] };
    const { body } = await run('vad', { input: [samples], sr: 16000, h: state, c: state }, { o: ['output'] });
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const r = body.data.runInference;
    assert.deepEqual(Object.keys(r.outputs), ['output']);
    const p = r.outputs.output.data[0];
    assert.ok(p >= 0 && p <= 1, `speech probability ${p}`);
    assert.equal(r.timings.batchRequests, 1);
  });
});

describe('runInference: bad input', () => {
  test('a wrong shape or dtype is BAD_USER_INPUT naming the expected signature', async () => {
    for (const inputs of [{ features: [[1, 2, 3]] }, { features: [['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']] }, { nope: [[1]] }, {}]) {
      const { body } = await run('mlp', inputs);
      const e = body.errors?.[0];
      assert.equal(e?.extensions.code, 'BAD_USER_INPUT', JSON.stringify(body));
      assert.match(e.message, /features: float32\[N,8\]/);
      assert.deepEqual(e.extensions.expected, [{ name: 'features', dtype: 'float32', shape: ['N', 8] }]);
    }
  });

  test('an unknown model, version or alias is NOT_FOUND; version and alias together are refused', async () => {
    assert.equal((await run('nope', { features: [row(0)] })).body.errors[0].extensions.code, 'NOT_FOUND');
    assert.equal((await run('mlp', { features: [row(0)] }, { v: 99 })).body.errors[0].extensions.code, 'NOT_FOUND');
    const noAlias = (await run('mlp', { features: [row(0)] }, { a: 'canary' })).body.errors[0];
    assert.equal(noAlias.extensions.code, 'NOT_FOUND');
    assert.deepEqual(noAlias.extensions.aliases, ['production', 'staging']);
    assert.equal((await run('mlp', { features: [row(0)] }, { v: 1, a: 'production' })).body.errors[0].extensions.code, 'BAD_USER_INPUT');
    assert.equal((await run('mlp', { features: [row(0)] }, { o: ['logits'] })).body.errors[0].extensions.code, 'BAD_USER_INPUT');
  });

  test('a value only the runtime rejects fails that request alone with INFERENCE_FAILED', async () => {
    const [bad, good] = await Promise.all([
      run('encoder', { token_ids: [[1, 25]], attention_mask: [[1, 1]] }),
      run('encoder', { token_ids: [[1, 2]], attention_mask: [[1, 1]] }),
    ]);
    assert.equal(bad.body.errors?.[0]?.extensions.code, 'INFERENCE_FAILED', JSON.stringify(bad.body));
    assert.equal(good.body.errors, undefined, JSON.stringify(good.body.errors));
    assert.deepEqual(good.body.data.runInference.outputs.embedding.dims, [1, 4]);
  });
});

describe('observability', () => {
  test('inferenceMetrics streams the model\'s fleet-wide rate and latency; /metrics has API and worker series', async () => {
    const client = createClient({
      url: stack.apis[0].url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { apiKey: stack.adminKey },
    });
    const samples: any[] = [];
    let failure: unknown = null;
    const dispose = client.subscribe(
      { query: 'subscription { inferenceMetrics(model: "mlp") { timestamp model requestsPerSecond p50LatencyMs p99LatencyMs averageBatchSize workers workerRssBytes } }' },
      { next: (r) => (r.errors ? (failure = r.errors) : samples.push(r.data!.inferenceMetrics)), error: (e) => (failure = e), complete: () => {} },
    );
    try {
      const deadline = Date.now() + 10_000;
      while (!samples.some((s) => s.requestsPerSecond > 0) && Date.now() < deadline && !failure) {
        await Promise.all(Array.from({ length: 5 }, (_, k) => run('mlp', { features: [row(k)] })));
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(failure, null, JSON.stringify(failure));
      const busy = samples.find((s) => s.requestsPerSecond > 0);
      assert.ok(busy, `no busy sample in ${JSON.stringify(samples)}`);
      assert.equal(busy.model, 'mlp');
      assert.ok(busy.p50LatencyMs > 0 && busy.p99LatencyMs >= busy.p50LatencyMs);
      assert.ok(busy.averageBatchSize >= 1);
      assert.equal(busy.workers, 1);
      assert.ok(busy.workerRssBytes > 10_000_000);
    } finally {
      dispose();
      await client.dispose();
    }

    const unknown = await new Promise<any>((resolve) => {
      const c = createClient({ url: stack.apis[0].url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { apiKey: stack.adminKey } });
      c.subscribe({ query: 'subscription { inferenceMetrics(model: "nope") { model } }' }, {
        next: (r) => { resolve(r.errors ?? r); void c.dispose(); },
        error: (e) => { resolve(e); void c.dispose(); },
        complete: () => {},
      });
    });
    assert.equal(unknown[0]?.extensions?.code, 'NOT_FOUND', JSON.stringify(unknown));

    const text = await (await fetch(`${stack.apis[0].url}/metrics`, { headers: { authorization: `Bearer ${stack.adminKey}` } })).text();
    assert.match(text, /aivillage_inference_latency_seconds_count\{model="default\/mlp",outcome="ok",component="api"\} \d+/);
    assert.match(text, /aivillage_inference_batch_size_count\{model="default\/mlp",component="worker",worker="[^"]+"\} \d+/);
    assert.match(text, /memory_usage_bytes\{component="worker",worker="[^"]+"\} \d+/);
    assert.match(text, /memory_usage_bytes\{component="api"\} \d+/);
  });
});

describe('workers missing or stuck', () => {
  test('a stuck worker gives INFERENCE_TIMEOUT, and the expired job is dropped, not run late; no worker at all is SERVICE_UNAVAILABLE', async () => {
    const local = await startTestStack({ apis: 1, workers: 1, env: { INFERENCE_TIMEOUT_MS: '300' } });
    try {
      const form = new FormData();
      form.append('file', new Blob([buildMlpClassifier(SPEC_V1)]), 'model.onnx');
      const up = (await (await fetch(`${local.apis[0].url}/v1/models/artifacts`, { method: 'POST', headers: { authorization: `Bearer ${local.adminKey}` }, body: form })).json()) as any;
      await local.gql(REGISTER, { i: { namespace: 'default', model: 'm', sha256: up.sha256, task: 'classification' } });
      // Warm up: the worker's first request loads onnxruntime and the session, which may take
      // longer than this stack's 300 ms deadline on a busy machine.
      let ok = await local.gql(RUN, { m: 'm', i: { features: [row(0)] } });
      // (A worker busy loading may also miss a 200 ms heartbeat and look absent for a moment.)
      for (let i = 0; i < 20 && ['INFERENCE_TIMEOUT', 'SERVICE_UNAVAILABLE'].includes(ok.body.errors?.[0]?.extensions.code); i++) {
        await new Promise((r) => setTimeout(r, 100));
        ok = await local.gql(RUN, { m: 'm', i: { features: [row(0)] } });
      }
      assert.equal(ok.body.errors, undefined, JSON.stringify(ok.body.errors));

      const expired = async () => {
        const text = await (await fetch(`${local.apis[0].url}/metrics`, { headers: { authorization: `Bearer ${local.adminKey}` } })).text();
        return Number(/aivillage_inference_worker_requests_total\{model="default\/m",status="expired"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
      };
      const expiredBefore = await expired();
      const [worker] = local.workers;
      worker.kill('SIGSTOP');
      const stuck = await local.gql(RUN, { m: 'm', i: { features: [row(0)] } });
      assert.equal(stuck.body.errors?.[0]?.extensions.code, 'INFERENCE_TIMEOUT', JSON.stringify(stuck.body));
      worker.kill('SIGCONT');
      // The worker takes the job late, sees its deadline passed and drops it.
      const deadline = Date.now() + 10_000;
      let now = expiredBefore;
      while (Date.now() < deadline && (now = await expired()) === expiredBefore) await new Promise((r) => setTimeout(r, 100));
      assert.equal(now, expiredBefore + 1, 'the stuck request was dropped as expired once the worker resumed');

      await Promise.all(local.workers.map((w) => new Promise((r) => { w.once('exit', r); w.kill('SIGTERM'); })));
      await new Promise((r) => setTimeout(r, 1100)); // the liveness check is cached for a second
      const none = await local.gql(RUN, { m: 'm', i: { features: [row(0)] } });
      assert.equal(none.body.errors?.[0]?.extensions.code, 'SERVICE_UNAVAILABLE', JSON.stringify(none.body));
    } finally {
      await local.stop();
    }
  });
});
