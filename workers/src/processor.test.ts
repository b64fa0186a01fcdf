import assert from 'node:assert/strict';
import { test } from 'node:test';
import { queueWaitMs } from './processor.js';

test('queue wait runs from when a job became runnable to when a worker took it', () => {
  // Added at 1000, taken at 1250.
  assert.equal(queueWaitMs({ timestamp: 1000, processedOn: 1250, opts: {} }), 250);
  // Delayed 500 ms (BullMQ keeps the delay in opts, and zeroes job.delay on promotion): 90 ms of queueing.
  assert.equal(queueWaitMs({ timestamp: 1000, processedOn: 1590, opts: { delay: 500 } }), 90);
  // Promoted a little early by the scheduler's clock: never negative.
  assert.equal(queueWaitMs({ timestamp: 1000, processedOn: 1495, opts: { delay: 500 } }), 0);
  // No processedOn yet: measured against now.
  assert.equal(queueWaitMs({ timestamp: 1000, processedOn: undefined, opts: {} }, 1600), 600);
});
