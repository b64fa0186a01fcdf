import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueueHeads, type CandidateRow } from './fog-queue-heads.js';

const row = (id: string, tier: CandidateRow['tier'] = 'BRONZE', ns = 'ns-a'): CandidateRow => ({
  id, namespace_id: ns, tier, sla: 'A', runtime: 'WASI', cpu_cores: 1, memory_mb: 64, gpus: 0, queued_at: new Date(0), priority: 0, timeout_ms: 1000, hold_reason: null,
});
const free = (cpuCores: number) => [{ cpuCores, memoryMb: 4096 }];
const stamp = (passSeq: number, queueVersion: string | null = '1', now = 1_000) => ({ queueVersion, passSeq, now });

test('cached heads serve the next passes minus what was dispatched, while nothing entered the queue', () => {
  const h = new QueueHeads(5_000);
  h.begin(stamp(1));
  assert.equal(h.heads(free(2)), null, 'nothing read yet');
  h.store([row('a1'), row('a2'), row('a3'), row('g1', 'GOLD')], 3, stamp(1));
  h.remove(new Set(['a1']));
  h.begin(stamp(2));
  assert.deepEqual(h.heads(free(2))?.map((r) => r.id), ['a2', 'a3', 'g1'], 'GOLD was read whole (1 < depth 3); BRONZE has 2 left for 2 free slots');
  assert.equal(h.heads(free(3)), null, 'BRONZE was cut at the depth and has fewer left than 3 free slots could take');
  h.remove(new Set(['a2', 'a3', 'g1']));
  h.begin(stamp(3));
  assert.equal(h.heads(free(1)), null, 'a queue read in part and used up is read again, whatever the free capacity');
});

test('queues read whole stay usable when used up', () => {
  const h = new QueueHeads(5_000);
  h.store([row('a1'), row('a2')], 10, stamp(1));
  h.remove(new Set(['a1', 'a2']));
  h.begin(stamp(2));
  assert.deepEqual(h.heads(free(4)), [], 'every queued job was read and dispatched: nothing to read');
});

test('a new queue version, another process’s pass or age drops the cache', () => {
  const h = new QueueHeads(5_000);
  const rows = [row('a1'), row('a2')];
  h.store(rows, 10, stamp(1));
  h.begin(stamp(2, '2'));
  assert.equal(h.heads(free(1)), null, 'jobs entered the queue');
  h.store(rows, 10, stamp(2));
  h.begin(stamp(4));
  assert.equal(h.heads(free(1)), null, 'pass 3 ran elsewhere');
  h.store(rows, 10, stamp(4, '1', 1_000));
  h.begin(stamp(5, '1', 4_000));
  assert.ok(h.heads(free(1)));
  h.begin(stamp(6, '1', 6_500));
  assert.equal(h.heads(free(1)), null, 'older than 5 s since it was read');
});
