import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatasetNotFoundError, loadDigits, splitDataset, subset } from './dataset.js';

const digits = loadDigits();

test('the digits load as 1,797 images of 64 pixels in [0, 1] with 10 balanced classes', () => {
  assert.equal(digits.size, 1797);
  assert.equal(digits.features, 64);
  assert.equal(digits.classes, 10);
  assert.equal(digits.x.length, 1797 * 64);
  assert.ok(digits.x.every((v) => v >= 0 && v <= 1));
  assert.equal(Math.max(...digits.x), 1);
  const counts = Array.from({ length: 10 }, (_, c) => digits.y.filter((y) => y === c).length);
  assert.ok(counts.every((n) => n >= 170 && n <= 190), `class counts ${counts}`);
  // The first image of the file is a 0 whose third pixel is 5/16.
  assert.equal(digits.y[0], 0);
  assert.equal(digits.x[2], 5 / 16);
});

test('a missing file says how to fetch it', () => {
  assert.throws(() => loadDigits('/nonexistent/digits.csv.gz'), (e: unknown) => {
    assert.ok(e instanceof DatasetNotFoundError);
    assert.match(e.message, /bash scripts\/datasets\.sh/);
    return true;
  });
});

test('splitDataset is stratified, disjoint, complete and repeatable', () => {
  const split = splitDataset(digits, { seed: 3, validation: 0.15, test: 0.2 });
  assert.equal(split.train.size + split.validation.size + split.test.size, digits.size);
  assert.ok(Math.abs(split.test.size - 0.2 * digits.size) <= 10);
  for (let c = 0; c < 10; c++) {
    const share = (ds: typeof digits) => ds.y.filter((y) => y === c).length / ds.size;
    assert.ok(Math.abs(share(split.test) - share(digits)) < 0.01, `class ${c} share in test`);
  }
  // Rows are identified by their pixels: no image is in two splits.
  const key = (ds: typeof digits, i: number) => ds.x.subarray(i * 64, (i + 1) * 64).join(',') + `|${ds.y[i]}`;
  const count = (ds: typeof digits) => Array.from({ length: ds.size }, (_, i) => key(ds, i));
  const all = new Map<string, number>();
  for (const k of count(digits)) all.set(k, (all.get(k) ?? 0) + 1);
  for (const ds of [split.train, split.validation, split.test]) for (const k of count(ds)) all.set(k, all.get(k)! - 1);
  assert.ok([...all.values()].every((n) => n === 0));

  assert.deepEqual(splitDataset(digits, { seed: 3, validation: 0.15, test: 0.2 }).test.y, split.test.y);
  assert.notDeepEqual(splitDataset(digits, { seed: 4, validation: 0.15, test: 0.2 }).test.x, split.test.x);
});

test('bad split fractions and indices are RangeErrors naming the field', () => {
  assert.throws(() => splitDataset(digits, { seed: 1, validation: -0.1, test: 0.2 }), /SplitOptions\.validation/);
  assert.throws(() => splitDataset(digits, { seed: 1, validation: 0.5, test: 0.5 }), /validation \+ test/);
  assert.throws(() => subset(digits, [0, 1797]), RangeError);
});
