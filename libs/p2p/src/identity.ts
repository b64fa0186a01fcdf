/**
 * Peer identity: an Ed25519 key pair. The platform stores the raw 32-byte public key; a peer
 * signs the exact UTF-8 bytes of each message's `payload` string (a JSON document naming the
 * message type and the peer, so a signature can be neither moved to another peer nor reused
 * as another kind of message). Keys and signatures travel as base64 (or base64url).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/** Raw Ed25519 keys are 32 bytes, signatures 64. */
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

const B64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Decodes base64 or base64url; null when the text is not that. */
export function decodeBase64(text: string): Buffer | null {
  if (typeof text !== 'string' || text.length === 0 || !B64.test(text)) return null;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** The raw 32 bytes of a base64 Ed25519 public key, or a RangeError naming what is wrong. */
export function parsePublicKey(base64: string): { raw: Buffer; key: KeyObject } {
  const raw = decodeBase64(base64.trim());
  if (!raw || raw.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new RangeError(`publicKey must be a base64 raw Ed25519 public key (${ED25519_PUBLIC_KEY_BYTES} bytes)${raw ? `, got ${raw.length} bytes` : ''}`);
  }
  return { raw, key: publicKeyObject(raw) };
}

/** A KeyObject for a raw Ed25519 public key (JWK import: no ASN.1 assembly by hand). */
export function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

/** True when `signature` (base64) is `key`'s Ed25519 signature of `payload`'s UTF-8 bytes. */
export function verifyPayload(key: KeyObject, payload: string, signature: string): boolean {
  const sig = decodeBase64(signature);
  if (!sig || sig.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return verify(null, Buffer.from(payload, 'utf8'), key, sig);
  } catch {
    return false;
  }
}

export interface PeerKeyPair {
  /** Base64 raw public key, as `registerPeer` takes it. */
  publicKey: string;
  privateKey: KeyObject;
}

/** A fresh key pair (what a peer does once, on first start). */
export function generatePeerKeys(): PeerKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  return { publicKey: Buffer.from(x, 'base64url').toString('base64'), privateKey };
}

/** Rebuilds a private key from its PKCS#8 DER base64 (see `exportPrivateKey`). */
export function importPrivateKey(pkcs8Base64: string): KeyObject {
  return createPrivateKey({ key: Buffer.from(pkcs8Base64, 'base64'), format: 'der', type: 'pkcs8' });
}

export function exportPrivateKey(key: KeyObject): string {
  return key.export({ format: 'der', type: 'pkcs8' }).toString('base64');
}

/** Base64 Ed25519 signature of `payload`'s UTF-8 bytes. */
export function signPayload(privateKey: KeyObject, payload: string): string {
  return sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64');
}
