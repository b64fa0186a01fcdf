import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admissible, type AdmissionRequest } from './admission.js';
import type { SchedulerNode } from './fog-node.js';
import type { Resources } from './resources.js';

const node = (id: string, capacity: Partial<Resources>, extra: Partial<SchedulerNode> = {}): SchedulerNode => ({
  id,
  pool: 'SHARED',
  capacity: { cpuCores: 16, memoryMb: 65_536, gpus: 0, ...capacity },
  runtimes: ['wasi'],
  status: 'ONLINE',
  ...extra,
});
const req = (request: Partial<Resources>, extra: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  tier: 'BRONZE',
  runtime: 'wasi',
  request: { cpuCores: 1, memoryMb: 1024, gpus: 0, ...request },
  ...extra,
});
const nodes = [node('cpu-box', { cpuCores: 64, memoryMb: 262_144 }), node('gpu-box', { cpuCores: 16, memoryMb: 65_536, gpus: 4 })];

test('admits a job some single node can hold', () => {
  assert.deepEqual(admissible(req({ cpuCores: 16, gpus: 4 }), nodes), { ok: true });
  assert.deepEqual(admissible(req({ cpuCores: 64, memoryMb: 262_144 }), nodes), { ok: true });
});

test('rejects a request beyond the largest node, naming the resource', () => {
  const gpu = admissible(req({ gpus: 8 }), nodes);
  assert.deepEqual(gpu.ok ? null : [gpu.resource, /8 GPUs.*has 4/.test(gpu.reason)], ['gpus', true]);
  const cpu = admissible(req({ cpuCores: 128 }), nodes);
  assert.deepEqual(cpu.ok ? null : [cpu.resource, /128 CPU cores.*has 64/.test(cpu.reason)], ['cpuCores', true]);
  const mem = admissible(req({ memoryMb: 1_000_000 }), nodes);
  assert.deepEqual(mem.ok ? null : [mem.resource, /1000000 MB of memory/.test(mem.reason)], ['memoryMb', true]);
});

test('rejects a combination no single node has, naming what the closest node lacks', () => {
  const r = admissible(req({ cpuCores: 32, gpus: 2 }), nodes);
  assert.equal(r.ok, false);
  if (r.ok) return;
  // Each node lacks one resource; the tie goes to the first id, cpu-box, which has no GPU.
  assert.equal(r.resource, 'gpus');
  assert.match(r.reason, /no single fog node has 2 GPUs, 32 CPU cores/);
  assert.match(r.reason, /cpu-box, has 0 GPUs/);
});

test('rejects an unknown runtime, and a tier with no node in its pools', () => {
  const rt = admissible(req({}, { runtime: 'python' }), nodes);
  assert.deepEqual(rt.ok ? null : rt.resource, 'runtime');
  const goldOnly = [node('g', {}, { pool: 'GOLD_DEDICATED' })];
  const bronze = admissible(req({}), goldOnly);
  assert.deepEqual(bronze.ok ? null : bronze.resource, 'nodes');
  assert.deepEqual(admissible(req({}, { tier: 'GOLD' }), goldOnly), { ok: true });
  assert.deepEqual(admissible(req({}, { tier: 'PLATINUM' }), goldOnly), { ok: true });
});

test('offline and draining nodes still count: their absence is a wait, not a rejection', () => {
  const down = [node('down', { gpus: 8 }, { status: 'OFFLINE' }), node('drain', { gpus: 2 }, { status: 'DRAINING', cordoned: true })];
  assert.deepEqual(admissible(req({ gpus: 8 }), down), { ok: true });
});
