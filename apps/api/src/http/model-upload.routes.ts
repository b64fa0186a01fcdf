/**
 * `POST /v1/models/artifacts`: uploads one ONNX file (multipart/form-data, field `file`) into
 * the content-addressed ArtifactStore; `Mutation.registerModelVersion` then registers it by
 * its sha256. The part streams to disk through busboy (the body is never held in memory);
 * past MODEL_UPLOAD_MAX_BYTES it is refused with 413 without reading the rest, and a corrupt
 * or truncated model is refused with 400. Either way nothing is left in the store.
 * Mounted behind the edge (authentication, rate limits); needs the `write` scope.
 */
import busboy from 'busboy';
import type { Readable } from 'node:stream';
import express, { type Request, type Response, type Router } from 'express';
import { hasScope, type Principal } from '@aivillage/auth';
import { AppError, ErrorCode, badInput, httpStatusFor } from '@aivillage/errors';
import type { Logger } from '@aivillage/log';
import type { ArtifactStore, StoredArtifact } from '@aivillage/models';
import { sendError } from './edge-auth.js';

export interface ModelUploadOptions {
  store: ArtifactStore;
  maxBytes: number;
  log: Logger;
}

export function modelUploadRoutes({ store, maxBytes, log }: ModelUploadOptions): Router {
  const router = express.Router();
  router.post('/artifacts', (req, res, next) => {
    const principal = res.locals.principal as Principal;
    if (!hasScope(principal, 'write')) return sendError(res, 403, ErrorCode.FORBIDDEN, 'Scope "write" required to upload model artifacts');
    if (!req.is('multipart/form-data')) {
      return sendError(res, 400, ErrorCode.BAD_USER_INPUT, 'Send multipart/form-data with one file field named "file"');
    }
    receive(req, res, store, maxBytes).then(
      (artifact) => {
        log.info({ subject: principal.subject, sha256: artifact.sha256, sizeBytes: artifact.sizeBytes }, 'model artifact uploaded');
        res.status(201).json({
          sha256: artifact.sha256,
          sizeBytes: artifact.sizeBytes,
          opset: artifact.info.opset,
          irVersion: artifact.info.irVersion,
          producer: artifact.info.producer,
          inputs: artifact.info.inputs,
          outputs: artifact.info.outputs,
          parameterCount: artifact.info.parameterCount,
          quantisation: artifact.info.quantisation,
        });
      },
      (error: unknown) => {
        if (!(error instanceof AppError) || !error.isUserError) return next(error);
        // The client may still be sending a body we will not read: answer, then close.
        res.setHeader('Connection', 'close');
        sendError(res, httpStatusFor[error.code], error.code, error.message, error.details);
      },
    );
  });
  return router;
}

/** Parses the multipart body, streaming the first `file` part into the store; other parts are skipped. */
function receive(req: Request, res: Response, store: ArtifactStore, maxBytes: number): Promise<StoredArtifact> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: 64 * 1024 } });
    } catch (error) {
      return reject(badInput(`Malformed multipart request: ${(error as Error).message}`));
    }
    let upload: Promise<StoredArtifact> | undefined;
    let part: Readable | undefined;
    let settled = false;
    const settle = (error: unknown, artifact?: StoredArtifact) => {
      if (settled) return;
      settled = true;
      if (error) {
        // Ends a put still waiting on the part (its temp file is removed); no-op once it ended.
        part?.destroy();
        req.unpipe(parser);
        req.resume(); // discard the rest rather than stall the socket
        reject(error);
      } else resolve(artifact!);
    };
    parser.on('file', (field, stream) => {
      if (field !== 'file' || upload) {
        stream.resume();
        return;
      }
      part = stream;
      upload = store.put(stream, maxBytes);
      upload.catch(settle);
    });
    parser.on('error', (error: Error) => settle(badInput(`Malformed multipart body: ${error.message}`)));
    parser.on('close', () => {
      if (!upload) return settle(badInput('No file field named "file" in the multipart body'));
      upload.then((artifact) => settle(null, artifact), settle);
    });
    // A client that goes away mid-upload must not leave the store waiting on a part that
    // never ends.
    res.once('close', () => settle(new AppError(ErrorCode.BAD_REQUEST, 'Upload aborted by the client')));
    req.pipe(parser);
  });
}
