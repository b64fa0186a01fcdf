/**
 * `npm run peer-agent -- [--api http://localhost:4000] [--mesh data/demo-mesh.json]`
 * The demo mesh agent `npm start` runs: it speaks for the demo peers the seed registered,
 * exactly as peers would — every message signed with the peer's own Ed25519 key and sent to
 * POST /v1/p2p/messages with an API key. Every 5 s a heartbeat per peer (mobile batteries
 * drain and recharge); every 10 s each peer reports its links with measured figures moving a
 * little. One peer (`yarrow`) goes quiet for a minute out of every three, so the console shows
 * peers leaving (OFFLINE after P2P_PEER_TIMEOUT_MS) and rejoining, and routes moving around it.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { importPrivateKey, signMessage, type LinkMeasurement, type PeerPayload, type SignedMessage } from '@aivillage/p2p';
import { DEMO_MESH_FILE, type DemoMeshFile } from './seed-peers.js';

const { values } = parseArgs({ options: { api: { type: 'string' }, mesh: { type: 'string' } } });
const api = values.api ?? process.env.API_URL ?? `http://localhost:${process.env.PORT ?? 4000}`;
const mesh = JSON.parse(await readFile(values.mesh ?? DEMO_MESH_FILE, 'utf8')) as DemoMeshFile;
const keys = new Map(mesh.peers.map((p) => [p.id, importPrivateKey(p.privateKey)]));
// Sequence numbers must grow across restarts: start from the clock.
let seq = Date.now();
const battery = new Map(mesh.peers.map((p, i) => [p.id, 40 + ((i * 17) % 60)]));
const flapper = mesh.peers.find((p) => p.name === 'yarrow')?.id;
let tick = 0;

function sign(peer: string, payload: { type: 'heartbeat'; battery?: number } | { type: 'links'; links: LinkMeasurement[] }): SignedMessage {
  return signMessage(keys.get(peer)!, { ...payload, peer, seq: ++seq, ts: Date.now() } as PeerPayload);
}

async function send(messages: SignedMessage[]): Promise<void> {
  try {
    const res = await fetch(`${api}/v1/p2p/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${mesh.apiKey}` }, body: JSON.stringify(messages),
    });
    const body = (await res.json()) as { accepted?: number; rejected?: { reason: string; message: string }[]; errors?: { message: string }[] };
    if (!res.ok) console.error(`peer-agent: ${res.status} ${body.errors?.[0]?.message ?? ''}`);
    else if (body.rejected?.length) console.error(`peer-agent: ${body.rejected.length} refused, e.g. ${body.rejected[0].reason}: ${body.rejected[0].message}`);
  } catch (error) {
    console.error(`peer-agent: API unreachable (${(error as Error).message}); retrying`);
  }
}

const quiet = (id: string) => id === flapper && tick % 36 >= 24; // one minute of three (5 s ticks)
const jitter = (v: number, spread = 0.1) => v * (1 + (Math.random() * 2 - 1) * spread);

async function round(): Promise<void> {
  const messages: SignedMessage[] = [];
  for (const p of mesh.peers) {
    if (quiet(p.id)) continue;
    if (p.mobile) battery.set(p.id, (battery.get(p.id)! + 99 - 1) % 100 || 100);
    messages.push(sign(p.id, { type: 'heartbeat', ...(p.mobile ? { battery: battery.get(p.id)! } : {}) }));
  }
  if (tick % 2 === 0) {
    const out = new Map<string, LinkMeasurement[]>();
    for (const l of mesh.links) {
      for (const [from, to] of [[l.a, l.b], [l.b, l.a]]) {
        const list = out.get(from) ?? [];
        list.push({ to, transport: l.transport, latencyMs: jitter(l.latencyMs), throughputMbps: jitter(l.throughputMbps), successRate: Math.min(1, jitter(l.successRate, 0.01)) });
        out.set(from, list);
      }
    }
    for (const [from, links] of out) if (!quiet(from)) messages.push(sign(from, { type: 'links', links }));
  }
  tick++;
  await send(messages);
}

console.log(`peer-agent: speaking for ${mesh.peers.length} demo peers to ${api}`);
await round();
const timer = setInterval(() => void round(), 5000);
const stop = () => {
  clearInterval(timer);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
