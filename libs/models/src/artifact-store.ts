/**
 * Content-addressed storage of ONNX artifacts on a local directory: `<dir>/<sha[0..2]>/<sha>.onnx`.
 *
 * An upload streams to a temp file in the same directory (so the final rename is atomic and
 * never crosses a filesystem) while its sha256 and size are computed; it is refused past
 * `maxBytes` without reading the rest, checked with `readOnnxModel`, and only then renamed
 * into place. Any failure removes the temp file, so a corrupt, truncated or oversized upload
 * leaves nothing behind. Identical uploads share one file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, ErrorCode } from '@aivillage/errors';
import { readOnnxModel, type OnnxModelInfo } from './onnx-file.js';

const SHA256 = /^[0-9a-f]{64}$/;

export interface StoredArtifact {
  sha256: string;
  sizeBytes: number;
  info: OnnxModelInfo;
}

export class ArtifactTooLargeError extends AppError {
  constructor(readonly maxBytes: number) {
    super(ErrorCode.PAYLOAD_TOO_LARGE, `Model artifact is larger than the limit of ${maxBytes} bytes`, { details: { maxBytes } });
    this.name = 'ArtifactTooLargeError';
  }
}

export class ArtifactStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** Where the artifact with this sha256 lives (whether or not it exists). */
  path(sha256: string): string {
    if (!SHA256.test(sha256)) throw new AppError(ErrorCode.BAD_USER_INPUT, 'sha256 must be 64 lowercase hex digits', { details: { field: 'sha256' } });
    return path.join(this.dir, sha256.slice(0, 2), `${sha256}.onnx`);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await access(this.path(sha256));
      return true;
    } catch (error) {
      if (error instanceof AppError) throw error;
      return false;
    }
  }

  async read(sha256: string): Promise<Uint8Array> {
    try {
      return await readFile(this.path(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new AppError(ErrorCode.NOT_FOUND, `Model artifact ${sha256} not found; upload it first`, { details: { sha256 } });
      }
      throw error;
    }
  }

  /**
   * Streams `source` into the store. Throws ArtifactTooLargeError past `maxBytes` (the rest
   * of the source is not read) and OnnxFormatError for bytes that are not a usable model.
   */
  async put(source: Readable | AsyncIterable<Uint8Array>, maxBytes: number): Promise<StoredArtifact> {
    await mkdir(this.dir, { recursive: true });
    const temp = path.join(this.dir, `.upload-${randomBytes(8).toString('hex')}.part`);
    const hash = createHash('sha256');
    let sizeBytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        sizeBytes += chunk.length;
        if (sizeBytes > maxBytes) return done(new ArtifactTooLargeError(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(temp, { flags: 'wx' }));
      // The reader decodes protobuf from memory, so validation holds the file once; the
      // upload itself never was (it streamed to disk above).
      const info = readOnnxModel(await readFile(temp));
      const sha256 = hash.digest('hex');
      const final = this.path(sha256);
      if (await this.has(sha256)) {
        await rm(temp, { force: true });
      } else {
        await mkdir(path.dirname(final), { recursive: true });
        await rename(temp, final);
      }
      return { sha256, sizeBytes, info };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** Removes an artifact; callers make sure no version refers to it any more. */
  async remove(sha256: string): Promise<void> {
    await rm(this.path(sha256), { force: true });
  }
}
