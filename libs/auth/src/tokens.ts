/**
 * Secrets handed to clients. Session tokens and API key secrets are 256-bit random values;
 * only their sha256 is stored (a fast hash suffices for high-entropy secrets, unlike
 * passwords). API keys read `av_<prefix>_<secret>`: the prefix is visible in lists and
 * finds the row; the secret proves possession.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function newSessionToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: sha256(token) };
}

const KEY_PATTERN = /^(av_[a-z0-9]{10})_([A-Za-z0-9_-]{43})$/;

export function newApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = `av_${randomBytes(8).toString('hex').slice(0, 10)}`;
  const secret = randomBytes(32).toString('base64url');
  return { key: `${prefix}_${secret}`, prefix, hash: sha256(secret) };
}

export function parseApiKey(raw: string): { prefix: string; secretHash: string } | null {
  const m = KEY_PATTERN.exec(raw.trim());
  return m ? { prefix: m[1], secretHash: sha256(m[2]) } : null;
}

export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
