import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { PeerTransport, SimulationStatus } from './peer.type.js';

@ObjectType({ description: 'Fractions of links whose primary transport is each kind (sum 1)' })
export class TransportMix {
  @Field(() => Float) ble!: number;
  @Field(() => Float) htx!: number;
  @Field(() => Float) quic!: number;
}

@ObjectType()
export class TransportLinkCount {
  @Field(() => PeerTransport) transport!: PeerTransport;
  @Field(() => Int) links!: number;
}

@ObjectType()
export class MeshTopologyStats {
  @Field(() => Int) peers!: number;
  @Field(() => Int, { description: 'Undirected links' }) links!: number;
  @Field(() => Int) mobilePeers!: number;
  @Field(() => Float) averageDegree!: number;
  @Field(() => Int, { description: 'Connected components (1: everyone reaches everyone)' }) components!: number;
  @Field(() => Int, { description: 'Hops from peer-0 to the farthest peer it reaches' }) eccentricityFromFirst!: number;
  @Field(() => [TransportLinkCount]) byTransport!: TransportLinkCount[];
}

@ObjectType()
export class MeshGraphPeer {
  @Field() id!: string;
  @Field() mobile!: boolean;
}

@ObjectType()
export class MeshGraphLinkTransport {
  @Field(() => PeerTransport) transport!: PeerTransport;
  @Field(() => Float) latencyMs!: number;
  @Field(() => Float) throughputMbps!: number;
  @Field(() => Float) successRate!: number;
}

@ObjectType()
export class MeshGraphLink {
  @Field() a!: string;
  @Field() b!: string;
  @Field(() => [MeshGraphLinkTransport]) transports!: MeshGraphLinkTransport[];
}

@ObjectType()
export class MeshGraph {
  @Field(() => [MeshGraphPeer]) peers!: MeshGraphPeer[];
  @Field(() => [MeshGraphLink]) links!: MeshGraphLink[];
}

@ObjectType('MeshTopology', { description: 'A generated mesh (same parameters, same graph); peers are named peer-0 … peer-(n−1)' })
export class MeshTopologyType {
  @Field(() => ID) id!: string;
  namespaceId!: string;
  @Field() namespace!: string;
  @Field() name!: string;
  @Field(() => Int) nodes!: number;
  @Field(() => Int, { description: 'Target average degree' }) degree!: number;
  @Field(() => Int) seed!: number;
  @Field(() => TransportMix) transportMix!: TransportMix;
  @Field(() => Float) mobileShare!: number;
  @Field(() => SimulationStatus) status!: SimulationStatus;
  @Field(() => MeshTopologyStats, { nullable: true }) stats!: MeshTopologyStats | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Float, { nullable: true }) durationMs!: number | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
}

@ObjectType()
export class TimeToCoverage {
  @Field(() => Float, { nullable: true, description: 'ms until half were informed (null: never)' }) p50!: number | null;
  @Field(() => Float, { nullable: true }) p95!: number | null;
  @Field(() => Float, { nullable: true }) p100!: number | null;
}

@ObjectType()
export class GuideComparisonRow {
  @Field() metric!: string;
  @Field(() => Float) guide!: number;
  @Field(() => Float, { nullable: true }) simulated!: number | null;
  @Field() unit!: string;
}

@ObjectType({ description: 'What one gossip simulation measured' })
export class PropagationReport {
  @Field() source!: string;
  @Field(() => Int) nodes!: number;
  @Field(() => Int) liveNodes!: number;
  @Field(() => Int) failedNodes!: number;
  @Field(() => Int, { description: 'Live peers connected to the source through live peers within ttl hops (source included)' }) reachableNodes!: number;
  @Field(() => Int, { description: 'Peers that received the message (source included)' }) informedNodes!: number;
  @Field(() => TimeToCoverage, { description: 'Time to inform 50/95/100% of the reachable peers' }) timeToReachable!: TimeToCoverage;
  @Field(() => TimeToCoverage, { description: 'Time to inform 50/95/100% of the live peers' }) timeToLive!: TimeToCoverage;
  @Field(() => Float, { description: 'Mean first-arrival time over informed peers, ms' }) avgPropagationMs!: number;
  @Field(() => Float) hopsAvg!: number;
  @Field(() => Int) hopsMax!: number;
  @Field(() => Int) transmissions!: number;
  @Field(() => Int, { description: 'First receptions' }) useful!: number;
  @Field(() => Int, { description: 'Receptions by already-informed peers' }) duplicates!: number;
  @Field(() => Int, { description: 'Transmissions dropped by link loss' }) lost!: number;
  @Field(() => Float, { description: 'useful / transmissions' }) bandwidthEfficiency!: number;
  @Field(() => Float, { description: 'informed / live' }) reachability!: number;
  @Field(() => Float, { description: 'Building the graph, ms' }) graphMs!: number;
  @Field(() => Float, { description: 'The simulation itself, ms' }) simulateMs!: number;
  @Field(() => [GuideComparisonRow], { nullable: true, description: "The guide's 100-node mesh figures beside this run's (100-peer meshes only)" }) guideComparison!: GuideComparisonRow[] | null;
}

@ObjectType('PropagationSimulation', { description: 'A gossip propagation run; stored, so runs can be compared' })
export class PropagationSimulationType {
  @Field(() => ID) id!: string;
  namespaceId!: string;
  @Field() namespace!: string;
  @Field(() => ID, { nullable: true, description: 'The generated topology; null: the registered peers' }) topologyId!: string | null;
  @Field(() => String, { nullable: true, description: 'As requested (null: the first peer)' }) source!: string | null;
  @Field(() => Int) ttl!: number;
  @Field(() => Float) failureRate!: number;
  @Field(() => Int) seed!: number;
  @Field(() => Int, { nullable: true, description: 'Gossip fanout; null: flooding' }) fanout!: number | null;
  @Field(() => Int) messageSize!: number;
  @Field() linkLoss!: boolean;
  @Field(() => SimulationStatus) status!: SimulationStatus;
  @Field(() => PropagationReport, { nullable: true }) report!: PropagationReport | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Float, { nullable: true, description: 'Graph building plus simulation, ms' }) durationMs!: number | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
}
