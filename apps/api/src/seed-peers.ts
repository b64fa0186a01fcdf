/**
 * A demo mesh for `npm start`: 24 peers of a seeded small-world topology (each with its own
 * Ed25519 key pair), registered once in `default`, plus an API key for the demo mesh agent
 * (peer-agent.ts). The private keys and the agent's key are written to DEMO_MESH_FILE
 * (data/demo-mesh.json, not in git): the agent signs the peers' heartbeats and link reports
 * with them, through the public API, as real peers would.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { newApiKey } from '@aivillage/auth';
import { REPO_ROOT } from '@aivillage/config';
import type { PrismaClient } from '@aivillage/db';
import { exportPrivateKey, generatePeerKeys, generateTopology } from '@aivillage/p2p';

export const DEMO_MESH_FILE = path.join(REPO_ROOT, 'data/demo-mesh.json');
const DEMO_PEERS = 24;

export interface DemoMeshFile {
  apiKey: string;
  namespace: string;
  peers: { id: string; name: string; privateKey: string; mobile: boolean }[];
  /** Undirected links with the figures the agent reports (± jitter). */
  links: { a: string; b: string; transport: 'ble' | 'htx' | 'quic'; latencyMs: number; throughputMbps: number; successRate: number }[];
}

export async function seedDemoMesh(prisma: PrismaClient, log: (m: string) => void): Promise<void> {
  const ns = await prisma.namespace.findUniqueOrThrow({ where: { name: 'default' } });
  const existing = await readFile(DEMO_MESH_FILE, 'utf8').then((t) => JSON.parse(t) as DemoMeshFile, () => null);
  if (existing && (await prisma.peer.count({ where: { id: { in: existing.peers.map((p) => p.id) } } })) === existing.peers.length) {
    log(`seed: demo mesh of ${existing.peers.length} peers ready (${path.relative(REPO_ROOT, DEMO_MESH_FILE)})`);
    return;
  }
  const topology = generateTopology({ nodes: DEMO_PEERS, degree: 4, transportMix: { ble: 0.4, htx: 0.3, quic: 0.3 }, seed: 7 });
  const names = ['atlas', 'birch', 'cedar', 'delta', 'ember', 'fjord', 'grove', 'harbor', 'iris', 'juniper', 'kestrel', 'lumen',
    'maple', 'nimbus', 'onyx', 'pine', 'quartz', 'raven', 'sable', 'tundra', 'umber', 'vale', 'willow', 'yarrow'];
  const peers: DemoMeshFile['peers'] = [];
  const idOf = new Map<string, string>();
  for (const [i, p] of topology.peers.entries()) {
    const keys = generatePeerKeys();
    const deviceClass = p.mobile ? 'MOBILE' : i % 3 === 0 ? 'SERVER' : 'DESKTOP';
    const row = await prisma.peer.create({
      data: {
        namespaceId: ns.id, publicKey: new Uint8Array(Buffer.from(keys.publicKey, 'base64')), displayName: names[i], deviceClass,
        region: ['eu-west', 'us-east', 'ap-south'][i % 3],
        transports: [
          ...(p.mobile ? [{ transport: 'BLE', address: `ble://${names[i]}` }] : []),
          { transport: 'QUIC', address: `quic://${names[i]}.mesh.local:4433` },
          { transport: 'HTX', address: `htx://${names[i]}.mesh.local:8443` },
        ],
      },
    });
    idOf.set(p.id, row.id);
    peers.push({ id: row.id, name: names[i], privateKey: exportPrivateKey(keys.privateKey), mobile: p.mobile });
  }
  const links = topology.links.flatMap((l) => l.transports.map((t) => ({
    a: idOf.get(l.a)!, b: idOf.get(l.b)!, transport: t.transport, latencyMs: t.latencyMs, throughputMbps: t.throughputMbps, successRate: t.successRate,
  })));
  const k = newApiKey();
  await prisma.apiKey.create({ data: { name: 'demo mesh agent', prefix: k.prefix, secretHash: k.hash, tier: 'GOLD', namespaceId: ns.id, scopes: ['read', 'write'] } });
  const file: DemoMeshFile = { apiKey: k.key, namespace: 'default', peers, links };
  await mkdir(path.dirname(DEMO_MESH_FILE), { recursive: true });
  await writeFile(DEMO_MESH_FILE, JSON.stringify(file, null, 1), { mode: 0o600 });
  log(`seed: registered a demo mesh of ${peers.length} peers and ${topology.links.length} links (keys in ${path.relative(REPO_ROOT, DEMO_MESH_FILE)})`);
}
