/**
 * Express error handler for requests that never reach GraphQL: malformed JSON,
 * bodies over the limit. Answers in GraphQL's error shape with a stable code.
 */
import type { ErrorRequestHandler } from 'express';
import { ErrorCode } from '@aivillage/errors';

export const bodyErrorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  const type = (err as { type?: string }).type;
  if (type === 'entity.too.large') {
    res.status(413).json({
      errors: [{ message: `Request body is larger than the limit of ${(err as { limit: number }).limit} bytes`, extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE } }],
    });
    return;
  }
  if (type === 'entity.parse.failed' || err instanceof SyntaxError) {
    res.status(400).json({ errors: [{ message: `Malformed JSON body: ${(err as Error).message}`, extensions: { code: ErrorCode.BAD_REQUEST } }] });
    return;
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    res.status(415).json({ errors: [{ message: (err as Error).message, extensions: { code: ErrorCode.BAD_REQUEST } }] });
    return;
  }
  next(err);
};
