/**
 * What peers send: signed messages. The envelope names the peer; `payload` is a JSON
 * document, signed as the exact string sent (no canonicalisation to get wrong). Every payload
 * carries the peer's id, a sequence number that must grow with every message the peer sends
 * (heartbeats and link reports share it), and the peer's clock.
 */
import { z } from 'zod';
import { signPayload } from './identity.js';
import type { KeyObject } from 'node:crypto';
import { TRANSPORT_KINDS } from './transports.js';

/** Largest payload accepted (bytes of the JSON string). */
export const MAX_PAYLOAD_BYTES = 16 * 1024;
/** Most links one report may carry. */
export const MAX_LINKS_PER_REPORT = 256;

const uuid = z.string().uuid();
const common = {
  peer: uuid,
  /** Grows with every message this peer sends; a message not larger than the last accepted one is a replay. */
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** The peer's clock, epoch ms. */
  ts: z.number().int().positive(),
};

export const heartbeatPayloadSchema = z.strictObject({
  type: z.literal('heartbeat'),
  ...common,
  /** Battery charge, percent (mobile peers). */
  battery: z.number().min(0).max(100).optional(),
});

export const linkMeasurementSchema = z.strictObject({
  to: uuid,
  transport: z.enum(TRANSPORT_KINDS as ['ble', 'htx', 'quic']),
  latencyMs: z.number().min(0).max(600_000),
  throughputMbps: z.number().positive().max(1_000_000),
  successRate: z.number().min(0).max(1),
});

export const linksPayloadSchema = z.strictObject({
  type: z.literal('links'),
  ...common,
  links: z.array(linkMeasurementSchema).min(1).max(MAX_LINKS_PER_REPORT),
});

export const peerPayloadSchema = z.discriminatedUnion('type', [heartbeatPayloadSchema, linksPayloadSchema]);

export type HeartbeatPayload = z.infer<typeof heartbeatPayloadSchema>;
export type LinksPayload = z.infer<typeof linksPayloadSchema>;
export type LinkMeasurement = z.infer<typeof linkMeasurementSchema>;
export type PeerPayload = z.infer<typeof peerPayloadSchema>;

/** The envelope, as `POST /v1/p2p/messages` and the GraphQL mutations take it. */
export interface SignedMessage {
  peerId: string;
  /** The JSON payload, exactly as signed. */
  payload: string;
  /** Base64 Ed25519 signature of the payload's UTF-8 bytes. */
  signature?: string | null;
}

/** Client side: serialises and signs a payload (what a peer agent, the seed and the benchmarks use). */
export function signMessage(privateKey: KeyObject, payload: PeerPayload): SignedMessage {
  const text = JSON.stringify(payload);
  return { peerId: payload.peer, payload: text, signature: signPayload(privateKey, text) };
}
