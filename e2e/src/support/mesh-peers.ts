/**
 * Peers driven from Node through the public API, as a peer agent would: registered under a
 * fresh Ed25519 key (`registerPeer`), then sending signed heartbeats and link reports in
 * batches (`sendPeerMessages`), each with the next sequence number of its peer.
 */
import assert from 'node:assert/strict';
import { generatePeerKeys, signMessage, type LinkMeasurement, type PeerKeyPair, type SignedMessage } from '@aivillage/p2p';
import type { GraphQLAnswer } from './console-session.js';

type GraphQL = (query: string, variables?: Record<string, unknown>) => Promise<GraphQLAnswer>;

export interface MeshPeer {
  id: string;
  name: string;
  keys: PeerKeyPair;
  /** The last sequence number sent (messages must carry a larger one each time). */
  seq: number;
}

export interface PeerSpec {
  name: string;
  deviceClass: 'SERVER' | 'DESKTOP' | 'MOBILE';
  region?: string;
  transports?: { transport: 'QUIC' | 'HTX' | 'BLE'; address: string }[];
}

const REGISTER = `mutation ($input: RegisterPeerInput!) { registerPeer(input: $input) { id displayName status } }`;
const SEND = `mutation ($messages: [SignedPeerMessageInput!]!) {
  sendPeerMessages(messages: $messages) { accepted heartbeats linkReports rejected { index reason message } } }`;

export async function registerPeer(graphql: GraphQL, spec: PeerSpec, namespace = 'default'): Promise<MeshPeer> {
  const keys = generatePeerKeys();
  const answer = await graphql(REGISTER, {
    input: { namespace, displayName: spec.name, deviceClass: spec.deviceClass, region: spec.region ?? null, publicKey: keys.publicKey, transports: spec.transports ?? [] },
  });
  assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body.errors));
  const registered = answer.body.data?.registerPeer as { id: string; status: string };
  assert.equal(registered.status, 'NEW');
  return { id: registered.id, name: spec.name, keys, seq: 0 };
}

export function heartbeat(peer: MeshPeer, battery?: number): SignedMessage {
  peer.seq += 1;
  return signMessage(peer.keys.privateKey, { type: 'heartbeat', peer: peer.id, seq: peer.seq, ts: Date.now(), ...(battery == null ? {} : { battery }) });
}

export function linkReport(peer: MeshPeer, links: { to: MeshPeer; transport: LinkMeasurement['transport']; latencyMs: number; throughputMbps: number; successRate: number }[]): SignedMessage {
  peer.seq += 1;
  return signMessage(peer.keys.privateKey, {
    type: 'links',
    peer: peer.id,
    seq: peer.seq,
    ts: Date.now(),
    links: links.map(({ to, ...figures }) => ({ to: to.id, ...figures })),
  });
}

/** Sends one batch; every message must be accepted. */
export async function sendPeerMessages(graphql: GraphQL, messages: SignedMessage[]): Promise<void> {
  const answer = await graphql(SEND, { messages });
  assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body.errors));
  const result = answer.body.data?.sendPeerMessages as { accepted: number; rejected: unknown[] };
  assert.deepEqual(result.rejected, [], 'every signed message is accepted');
  assert.equal(result.accepted, messages.length);
}
