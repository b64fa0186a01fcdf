/** Maps peer and simulation rows (and libs/p2p results) to their GraphQL shapes. */
import type { MeshTopology, Peer, PeerLink, PropagationSimulation } from '@aivillage/db';
import type { Route, SimulationParams, SimulationReport } from '@aivillage/p2p';
import type { MeshTopologyStats, MeshTopologyType, PropagationReport, PropagationSimulationType } from './mesh-simulation.type.js';
import type { PeerLinkType, PeerRoute, PeerTransport, PeerTransportAddress, PeerType } from './peer.type.js';

export function toPeer(p: Peer, namespace: string): PeerType {
  return {
    id: p.id, namespaceId: p.namespaceId, namespace, publicKey: Buffer.from(p.publicKey).toString('base64'), displayName: p.displayName,
    deviceClass: p.deviceClass as PeerType['deviceClass'], region: p.region, transports: p.transports as unknown as PeerTransportAddress[],
    batteryPercent: p.batteryPercent, status: p.status as PeerType['status'], lastSeenAt: p.lastSeenAt,
    lastSeq: Number(p.lastSeq), heartbeats: Number(p.heartbeats), createdAt: p.createdAt,
  };
}

export function toPeerLink(l: PeerLink): PeerLinkType {
  return {
    id: l.id, fromPeerId: l.fromPeerId, toPeerId: l.toPeerId, transport: l.transport as PeerTransport,
    latencyMs: l.latencyMs, throughputMbps: l.throughputMbps, successRate: l.successRate, reports: l.reports, updatedAt: l.updatedAt,
  };
}

export function toPeerRoute(r: Route): PeerRoute {
  return {
    peers: [...r.peers],
    hops: r.hops.map((h) => ({ ...h, transport: h.transport.toUpperCase() as PeerTransport })),
    score: r.score,
    breakdown: { latency: r.breakdown.latency, throughput: r.breakdown.throughput, reliability: r.breakdown.reliability, battery: r.breakdown.battery },
    expectedLatencyMs: r.expectedLatencyMs,
    pathLatencyMs: r.metrics.latencyMs,
    bottleneckMbps: r.metrics.bottleneckMbps,
    successRate: r.metrics.successRate,
  };
}

export function toMeshTopology(t: Omit<MeshTopology, 'graph'>, namespace: string): MeshTopologyType {
  const p = t.params as { nodes: number; degree: number; seed: number; transportMix: { ble: number; htx: number; quic: number }; mobileShare: number };
  return {
    id: t.id, namespaceId: t.namespaceId, namespace, name: t.name, nodes: p.nodes, degree: p.degree, seed: p.seed,
    transportMix: p.transportMix, mobileShare: p.mobileShare, status: t.status as MeshTopologyType['status'],
    stats: (t.stats as unknown as MeshTopologyStats | null) ?? null, error: t.error, durationMs: t.durationMs, createdAt: t.createdAt, finishedAt: t.finishedAt,
  };
}

export function toSimulation(s: PropagationSimulation, namespace: string): PropagationSimulationType {
  const p = s.input as unknown as SimulationParams;
  const r = s.result as unknown as SimulationReport | null;
  const report: PropagationReport | null = r
    ? {
        source: r.source, nodes: r.nodes, liveNodes: r.liveNodes, failedNodes: r.failedNodes, reachableNodes: r.reachableNodes, informedNodes: r.informedNodes,
        timeToReachable: r.timeToReachable, timeToLive: r.timeToLive, avgPropagationMs: r.avgPropagationMs, hopsAvg: r.hops.avg, hopsMax: r.hops.max,
        transmissions: r.transmissions, useful: r.useful, duplicates: r.duplicates, lost: r.lost, bandwidthEfficiency: r.bandwidthEfficiency,
        reachability: r.reachability, graphMs: r.graphMs, simulateMs: r.simulateMs, guideComparison: r.guideComparison,
      }
    : null;
  return {
    id: s.id, namespaceId: s.namespaceId, namespace, topologyId: s.topologyId, source: p.source, ttl: p.ttl, failureRate: p.failureRate, seed: p.seed,
    fanout: p.fanout, messageSize: p.messageSize, linkLoss: p.linkLoss, status: s.status as PropagationSimulationType['status'], report, error: s.error,
    durationMs: s.durationMs, createdAt: s.createdAt, startedAt: s.startedAt, finishedAt: s.finishedAt,
  };
}
