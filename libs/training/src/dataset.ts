/**
 * Classification datasets in memory, and the real one we train on: the UCI optical
 * handwritten digits as scikit-learn ships them (1,797 8×8 images, pixel values 0–16,
 * 10 classes). `bash scripts/datasets.sh` puts the file at data/datasets/digits.csv.gz.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { REPO_ROOT } from '@aivillage/config';
import { createPrng } from '@aivillage/models';

/** Samples row-major: `x` is [size, features], `y` holds class indices in [0, classes). */
export interface Dataset {
  name: string;
  features: number;
  classes: number;
  size: number;
  x: Float32Array;
  y: Uint8Array;
}

export const DIGITS_PATH = path.join(REPO_ROOT, 'data', 'datasets', 'digits.csv.gz');

const DIGITS_FEATURES = 64;
const DIGITS_CLASSES = 10;
const DIGITS_MAX_PIXEL = 16;

/** The dataset file is not there yet: the caller can run `bash scripts/datasets.sh`. */
export class DatasetNotFoundError extends Error {
  override readonly name = 'DatasetNotFoundError';
  constructor(readonly path: string) {
    super(`dataset file ${path} is missing: run \`bash scripts/datasets.sh\` to fetch it`);
  }
}

/** Loads the digits with pixels scaled to [0, 1]. Throws DatasetNotFoundError, or Error for a malformed file. */
export function loadDigits(file: string = DIGITS_PATH): Dataset {
  if (!existsSync(file)) throw new DatasetNotFoundError(file);
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l.trim() !== '');
  const x = new Float32Array(lines.length * DIGITS_FEATURES);
  const y = new Uint8Array(lines.length);
  lines.forEach((line, i) => {
    const cells = line.split(',');
    if (cells.length !== DIGITS_FEATURES + 1) throw new Error(`${file} line ${i + 1}: expected ${DIGITS_FEATURES + 1} values, got ${cells.length}`);
    for (let f = 0; f < DIGITS_FEATURES; f++) {
      const v = Number(cells[f]);
      if (!(v >= 0 && v <= DIGITS_MAX_PIXEL)) throw new Error(`${file} line ${i + 1}: pixel ${f} is ${cells[f]}, not in 0..${DIGITS_MAX_PIXEL}`);
      x[i * DIGITS_FEATURES + f] = v / DIGITS_MAX_PIXEL;
    }
    const label = Number(cells[DIGITS_FEATURES]);
    if (!Number.isInteger(label) || label < 0 || label >= DIGITS_CLASSES) throw new Error(`${file} line ${i + 1}: label ${cells[DIGITS_FEATURES]} is not 0..9`);
    y[i] = label;
  });
  return { name: 'digits', features: DIGITS_FEATURES, classes: DIGITS_CLASSES, size: lines.length, x, y };
}

/** The samples at `indices`, in that order. */
export function subset(ds: Dataset, indices: ArrayLike<number>, name = ds.name): Dataset {
  const x = new Float32Array(indices.length * ds.features);
  const y = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= ds.size) throw new RangeError(`index ${r} is outside ${ds.name} (size ${ds.size})`);
    x.set(ds.x.subarray(r * ds.features, (r + 1) * ds.features), i * ds.features);
    y[i] = ds.y[r];
  }
  return { name, features: ds.features, classes: ds.classes, size: indices.length, x, y };
}

export interface SplitOptions {
  seed: number;
  /** Fraction of each class held out for validation (model selection, early stopping). */
  validation: number;
  /** Fraction of each class held out for the final test. */
  test: number;
}

export interface DatasetSplit {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
}

/**
 * A stratified split: each class is shuffled with the seed and cut by the fractions (rounded
 * per class), so every split has the classes in the dataset's proportions. Samples keep
 * their dataset order within a split. The same seed always gives the same split.
 */
export function splitDataset(ds: Dataset, options: SplitOptions): DatasetSplit {
  const { validation, test, seed } = options;
  for (const [field, v] of Object.entries({ validation, test })) {
    if (!(v >= 0 && v < 1)) throw new RangeError(`SplitOptions.${field} must be in [0, 1), got ${v}`);
  }
  if (validation + test >= 1) throw new RangeError(`SplitOptions.validation + test must be below 1, got ${validation + test}`);
  const prng = createPrng(seed);
  const parts: number[][] = [[], [], []];
  for (let c = 0; c < ds.classes; c++) {
    const members: number[] = [];
    for (let i = 0; i < ds.size; i++) if (ds.y[i] === c) members.push(i);
    shuffleInPlace(members, prng.int);
    const nTest = Math.round(members.length * test);
    const nValidation = Math.round(members.length * validation);
    parts[2].push(...members.slice(0, nTest));
    parts[1].push(...members.slice(nTest, nTest + nValidation));
    parts[0].push(...members.slice(nTest + nValidation));
  }
  const [train, val, tst] = parts.map((p) => p.sort((a, b) => a - b));
  return {
    train: subset(ds, train, `${ds.name}/train`),
    validation: subset(ds, val, `${ds.name}/validation`),
    test: subset(ds, tst, `${ds.name}/test`),
  };
}

/** Fisher–Yates with an integer source `int(n)` in [0, n). */
export function shuffleInPlace(a: { length: number; [i: number]: number }, int: (n: number) => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
