/**
 * Mesh simulation, API side: validate, store the request, queue the job, read results.
 * Generating a mesh and simulating gossip on it run on workers (mesh-simulation.runner.ts);
 * both are deterministic, so a stored result can be compared with any later run.
 */
import { badInput, notFound } from '@aivillage/errors';
import type { MeshTopology, Prisma, PrismaClient, PropagationSimulation } from '@aivillage/db';
import type { QueueSet } from '@aivillage/queues';
import { MAX_TTL } from './graph.js';
import { checkPropagationOptions, type PropagationResult } from './propagation.js';
import { checkTopologyOptions, type TopologyOptions } from './topology.js';

export interface GenerateTopologyInput {
  namespace: string;
  name?: string | null;
  nodes: number;
  degree: number;
  transportMix: { ble: number; htx: number; quic: number };
  seed: number;
  /** Share of mobile peers, default 0.3. */
  mobileShare?: number | null;
}

export interface SimulatePropagationInput {
  namespace: string;
  /** A generated topology; null/absent: the namespace's registered peers as they are when the job runs. */
  topologyId?: string | null;
  /** Peer id (registered) or `peer-<i>` (generated); default the first peer. */
  source?: string | null;
  ttl: number;
  failureRate: number;
  seed: number;
  fanout?: number | null;
  messageSize?: number | null;
  linkLoss?: boolean | null;
}

/** The stored request of a simulation (`input` column). */
export interface SimulationParams {
  source: string | null;
  ttl: number;
  failureRate: number;
  seed: number;
  fanout: number | null;
  messageSize: number;
  linkLoss: boolean;
}

/** What a generated topology's row stores in `stats`. */
export interface TopologyStats {
  peers: number;
  links: number;
  mobilePeers: number;
  averageDegree: number;
  /** Connected components (1 = everyone can reach everyone). */
  components: number;
  /** Hops from peer-0 to the farthest peer it reaches. */
  eccentricityFromFirst: number;
  byTransport: { transport: string; links: number }[];
}

export interface GuideComparisonRow {
  metric: string;
  guide: number;
  simulated: number | null;
  unit: 'ms' | 'ratio';
}

export interface SimulationReport extends PropagationResult {
  source: string;
  /** Building the graph (generate or load) and simulating, ms. */
  graphMs: number;
  simulateMs: number;
  /** The guide's 100-node mesh figures next to this run's (100-peer meshes only). */
  guideComparison: GuideComparisonRow[] | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function topologyOptionsOf(params: Prisma.JsonValue): TopologyOptions {
  const p = params as { nodes: number; degree: number; transportMix: TopologyOptions['transportMix']; seed: number; mobileShare: number };
  return { nodes: p.nodes, degree: p.degree, transportMix: p.transportMix, seed: p.seed, deviceMix: { mobile: p.mobileShare, fixed: 1 - p.mobileShare } };
}

export class MeshSimulationService {
  constructor(private readonly deps: { prisma: PrismaClient; queues: QueueSet; maxNodes: number }) {}

  async generateTopology(input: GenerateTopologyInput): Promise<MeshTopology> {
    if (!Number.isInteger(input.nodes) || input.nodes > this.deps.maxNodes) {
      throw badInput(`nodes must be an integer of at most ${this.deps.maxNodes} (P2P_MAX_SIM_NODES), got ${input.nodes}`, { field: 'nodes', max: this.deps.maxNodes });
    }
    const mobileShare = input.mobileShare ?? 0.3;
    const params = { nodes: input.nodes, degree: input.degree, transportMix: input.transportMix, seed: input.seed, mobileShare };
    try {
      checkTopologyOptions(topologyOptionsOf(params));
    } catch (error) {
      throw badInput((error as Error).message.replace('deviceMix', 'mobileShare'), { field: (error as Error).message.split(/[ .]/)[0] });
    }
    const name = (input.name ?? '').trim() || `mesh-${input.nodes}-d${input.degree}-s${input.seed}`;
    if (name.length > 128) throw badInput('name must be at most 128 characters', { field: 'name' });
    const namespaceId = await this.namespaceId(input.namespace);
    const row = await this.deps.prisma.meshTopology.create({ data: { namespaceId, name, params } });
    await this.deps.queues.add('p2p', 'generate-topology', { topologyId: row.id }, { jobId: `topology-${row.id}` });
    return row;
  }

  async simulate(input: SimulatePropagationInput, visible: { topology: Prisma.MeshTopologyWhereInput; peer: Prisma.PeerWhereInput }): Promise<PropagationSimulation> {
    if (!Number.isInteger(input.ttl) || input.ttl < 0 || input.ttl > MAX_TTL) {
      throw badInput(`ttl must be an integer in [0, ${MAX_TTL}], got ${input.ttl}`, { field: 'ttl', max: MAX_TTL });
    }
    const params: SimulationParams = {
      source: input.source ?? null, ttl: input.ttl, failureRate: input.failureRate, seed: input.seed,
      fanout: input.fanout ?? null, messageSize: input.messageSize ?? 1024, linkLoss: input.linkLoss ?? false,
    };
    try {
      checkPropagationOptions({ ...params, fanout: params.fanout ?? undefined });
    } catch (error) {
      throw badInput((error as Error).message, { field: (error as Error).message.split(' ')[0] });
    }
    const namespaceId = await this.namespaceId(input.namespace);
    let topologyId: string | null = null;
    if (input.topologyId != null) {
      const topology = await this.getTopology(input.topologyId, visible.topology);
      if (topology.namespaceId !== namespaceId) throw badInput('topologyId belongs to another namespace', { field: 'topologyId' });
      const nodes = (topology.params as { nodes: number }).nodes;
      if (params.source !== null) {
        const m = /^peer-(\d+)$/.exec(params.source);
        if (!m || Number(m[1]) >= nodes) throw badInput(`source must name a peer of the topology, peer-0 to peer-${nodes - 1}`, { field: 'source' });
      }
      topologyId = topology.id;
    } else if (params.source !== null) {
      if (!UUID.test(params.source)) throw badInput('source must be a registered peer id', { field: 'source' });
      const peer = await this.deps.prisma.peer.findFirst({ where: { AND: [{ id: params.source, namespaceId }, visible.peer] }, select: { id: true } });
      if (!peer) throw notFound('Peer', params.source);
    }
    const row = await this.deps.prisma.propagationSimulation.create({ data: { namespaceId, topologyId, input: { ...params } } });
    await this.deps.queues.add('p2p', 'simulate-propagation', { simulationId: row.id }, { jobId: `simulation-${row.id}` });
    return row;
  }

  async getTopology(id: string, visible: Prisma.MeshTopologyWhereInput): Promise<MeshTopology> {
    const row = UUID.test(id) ? await this.deps.prisma.meshTopology.findFirst({ where: { AND: [{ id }, visible] } }) : null;
    if (!row) throw notFound('Mesh topology', id);
    return row;
  }

  async getSimulation(id: string, visible: Prisma.PropagationSimulationWhereInput): Promise<PropagationSimulation> {
    const row = UUID.test(id) ? await this.deps.prisma.propagationSimulation.findFirst({ where: { AND: [{ id }, visible] } }) : null;
    if (!row) throw notFound('Simulation', id);
    return row;
  }

  /** Newest first; without the stored graph (fetch one topology for that). */
  listTopologies(visible: Prisma.MeshTopologyWhereInput, namespace: string | null, first: number): Promise<MeshTopology[]> {
    return this.deps.prisma.meshTopology.findMany({
      where: { AND: [visible, namespace ? { namespace: { name: namespace } } : {}] },
      omit: { graph: true }, orderBy: { createdAt: 'desc' }, take: Math.min(Math.max(first, 1), 200),
    }) as Promise<MeshTopology[]>;
  }

  listSimulations(visible: Prisma.PropagationSimulationWhereInput, filter: { namespace?: string | null; topologyId?: string | null }, first: number): Promise<PropagationSimulation[]> {
    if (filter.topologyId != null && !UUID.test(filter.topologyId)) return Promise.resolve([]);
    return this.deps.prisma.propagationSimulation.findMany({
      where: { AND: [visible, filter.namespace ? { namespace: { name: filter.namespace } } : {}, filter.topologyId ? { topologyId: filter.topologyId } : {}] },
      orderBy: { createdAt: 'desc' }, take: Math.min(Math.max(first, 1), 200),
    });
  }

  private async namespaceId(name: string): Promise<string> {
    const ns = await this.deps.prisma.namespace.findUnique({ where: { name }, select: { id: true } });
    if (!ns) throw notFound('Namespace', name);
    return ns.id;
  }
}
