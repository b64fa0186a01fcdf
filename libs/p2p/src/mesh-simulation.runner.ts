/**
 * Mesh simulation, worker side: generate a topology (figures, and the graph itself when small
 * enough to draw) and run gossip simulations on a generated topology or on the registered
 * peers. A job that finds its row already finished does nothing (BullMQ may deliver twice
 * after a crash); errors in the request are stored on the row as FAILED, not retried.
 */
import type { Prisma, PrismaClient } from '@aivillage/db';
import { bfsHops, indexGraph, type P2PGraph } from './graph.js';
import { topologyOptionsOf, type GuideComparisonRow, type SimulationParams, type SimulationReport, type TopologyStats } from './mesh-simulation.service.js';
import { loadPeerGraph } from './peer-graph.js';
import { simulatePropagation, type PropagationResult } from './propagation.js';
import { GUIDE_MESH_100 } from './scenario.js';
import { generateTopology } from './topology.js';
import { TRANSPORT_KINDS } from './transports.js';

/** Topologies up to this many peers keep their graph for drawing. */
export const DRAW_MAX_NODES = 2000;

const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

export function topologyStats(graph: P2PGraph): TopologyStats {
  const ix = indexGraph(graph);
  const seen = new Int32Array(ix.n).fill(-1);
  let components = 0;
  const scratch = new Int32Array(ix.n);
  let ecc = 0;
  for (let i = 0; i < ix.n; i++) {
    if (seen[i] !== -1) continue;
    components++;
    const d = bfsHops(ix, i, Infinity, undefined, scratch);
    for (let j = 0; j < ix.n; j++) {
      if (d[j] >= 0) {
        seen[j] = components;
        if (i === 0 && d[j] > ecc) ecc = d[j];
      }
    }
  }
  const byTransport = TRANSPORT_KINDS.map((k) => ({ transport: k.toUpperCase(), links: graph.links.filter((l) => l.transports.some((t) => t.transport === k)).length }));
  return {
    peers: ix.n,
    links: graph.links.length,
    mobilePeers: graph.peers.filter((p) => p.mobile).length,
    averageDegree: ix.n ? round((2 * graph.links.length) / ix.n, 2) : 0,
    components,
    eccentricityFromFirst: ecc,
    byTransport,
  };
}

/** A compact drawable copy of a graph (figures rounded). */
export function drawableGraph(graph: P2PGraph): Prisma.InputJsonValue {
  return {
    peers: graph.peers.map((p) => ({ id: p.id, mobile: p.mobile })),
    links: graph.links.map((l) => ({
      a: l.a, b: l.b,
      transports: l.transports.map((t) => ({ transport: t.transport.toUpperCase(), latencyMs: round(t.latencyMs, 2), throughputMbps: round(t.throughputMbps, 1), successRate: round(t.successRate, 4) })),
    })),
  };
}

export class MeshSimulationRunner {
  /** Last generated graphs by topology id: simulations on one mesh do not regenerate it. */
  private readonly graphs = new Map<string, P2PGraph>();

  constructor(private readonly deps: { prisma: PrismaClient }) {}

  async generate(topologyId: string): Promise<void> {
    const { prisma } = this.deps;
    const row = await prisma.meshTopology.findUnique({ where: { id: topologyId }, omit: { graph: true } });
    if (!row || row.status === 'SUCCEEDED' || row.status === 'FAILED') return;
    await prisma.meshTopology.update({ where: { id: topologyId }, data: { status: 'RUNNING' } });
    const t0 = performance.now();
    try {
      const graph = this.topology(topologyId, row.params);
      const stats = topologyStats(graph);
      // Raw SQL with the JSON as one text parameter: Prisma's JSON path is slow for a
      // drawable graph (thousands of links, ~0.5 MB).
      const drawable = graph.peers.length <= DRAW_MAX_NODES ? JSON.stringify(drawableGraph(graph)) : null;
      await prisma.$executeRaw`
        UPDATE mesh_topologies SET status = 'SUCCEEDED', stats = ${JSON.stringify(stats)}::jsonb, graph = ${drawable}::jsonb,
          duration_ms = ${performance.now() - t0}, finished_at = now()
        WHERE id = ${topologyId}::uuid`;
    } catch (error) {
      await prisma.meshTopology.update({ where: { id: topologyId }, data: { status: 'FAILED', error: (error as Error).message, finishedAt: new Date() } });
    }
  }

  async simulate(simulationId: string): Promise<void> {
    const { prisma } = this.deps;
    const row = await prisma.propagationSimulation.findUnique({ where: { id: simulationId }, include: { topology: { omit: { graph: true } } } });
    if (!row || row.status === 'SUCCEEDED' || row.status === 'FAILED') return;
    await prisma.propagationSimulation.update({ where: { id: simulationId }, data: { status: 'RUNNING', startedAt: new Date() } });
    const params = row.input as unknown as SimulationParams;
    try {
      const t0 = performance.now();
      const graph = row.topology ? this.topology(row.topology.id, row.topology.params) : (await loadPeerGraph(prisma, row.namespaceId)).graph;
      if (graph.peers.length === 0) throw new Error('the namespace has no ONLINE peers to simulate on');
      const source = params.source ?? graph.peers[0].id;
      if (!graph.peers.some((p) => p.id === source)) throw new Error(`source ${source} is not an ONLINE peer of the mesh`);
      const t1 = performance.now();
      const result = simulatePropagation(graph, {
        source, ttl: params.ttl, failureRate: params.failureRate, seed: params.seed,
        fanout: params.fanout ?? undefined, messageSize: params.messageSize, linkLoss: params.linkLoss,
      });
      const t2 = performance.now();
      const report: SimulationReport = {
        ...result, source, graphMs: t1 - t0, simulateMs: t2 - t1,
        guideComparison: graph.peers.length === 100 ? guideComparison(result, params.failureRate) : null,
      };
      await prisma.propagationSimulation.update({
        where: { id: simulationId },
        data: { status: 'SUCCEEDED', result: report as unknown as Prisma.InputJsonValue, durationMs: t2 - t0, finishedAt: new Date() },
      });
    } catch (error) {
      await prisma.propagationSimulation.update({ where: { id: simulationId }, data: { status: 'FAILED', error: (error as Error).message, finishedAt: new Date() } });
    }
  }

  private topology(id: string, params: Prisma.JsonValue): P2PGraph {
    let graph = this.graphs.get(id);
    if (!graph) {
      graph = generateTopology(topologyOptionsOf(params));
      this.graphs.set(id, graph);
      while (this.graphs.size > 4) this.graphs.delete(this.graphs.keys().next().value!);
    }
    return graph;
  }
}

/** The guide's "Mesh Network (100 nodes)" rows this run can speak to. */
function guideComparison(r: PropagationResult, failureRate: number): GuideComparisonRow[] {
  const rows: GuideComparisonRow[] = [
    { metric: 'message propagation (mean first arrival)', guide: GUIDE_MESH_100.messagePropagationMs, simulated: r.informedNodes > 1 ? round(r.avgPropagationMs, 2) : null, unit: 'ms' },
    { metric: 'bandwidth efficiency (useful / transmissions)', guide: GUIDE_MESH_100.bandwidthEfficiency, simulated: round(r.bandwidthEfficiency, 4), unit: 'ratio' },
  ];
  if (failureRate > 0) {
    rows.push({ metric: `fault tolerance (informed / live at ${Math.round(failureRate * 100)}% failure; guide at 20%)`, guide: GUIDE_MESH_100.faultTolerance, simulated: round(r.reachability, 4), unit: 'ratio' });
  }
  return rows;
}
