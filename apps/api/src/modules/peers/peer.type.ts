import { REJECT_REASONS } from '@aivillage/p2p';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../access/access.type.js';

export enum PeerStatus {
  NEW = 'NEW',
  ONLINE = 'ONLINE',
  OFFLINE = 'OFFLINE',
}
registerEnumType(PeerStatus, {
  name: 'PeerStatus',
  description: 'NEW: registered, never heard from; ONLINE: heartbeats arriving; OFFLINE: none within P2P_PEER_TIMEOUT_MS',
});

export enum DeviceClass {
  MOBILE = 'MOBILE',
  DESKTOP = 'DESKTOP',
  SERVER = 'SERVER',
}
registerEnumType(DeviceClass, { name: 'DeviceClass', description: 'MOBILE peers are battery-powered: battery counts in their route scores' });

export enum PeerTransport {
  BLE = 'BLE',
  HTX = 'HTX',
  QUIC = 'QUIC',
}
registerEnumType(PeerTransport, { name: 'PeerTransport', description: 'BLE: BitChat BLE mesh; HTX: BetaNet HTX; QUIC' });

export enum LinkDirection {
  OUT = 'OUT',
  IN = 'IN',
}
registerEnumType(LinkDirection, { name: 'LinkDirection', description: 'OUT: links this peer reports; IN: links other peers report towards it' });

export const PeerMessageRejectReason = Object.fromEntries(REJECT_REASONS.map((r) => [r, r])) as { [R in (typeof REJECT_REASONS)[number]]: R };
export type PeerMessageRejectReason = (typeof REJECT_REASONS)[number];
registerEnumType(PeerMessageRejectReason, { name: 'PeerMessageRejectReason', description: 'Why a signed peer message was refused' });

export enum PeerEventKind {
  REGISTERED = 'REGISTERED',
  JOINED = 'JOINED',
  LEFT = 'LEFT',
  REMOVED = 'REMOVED',
  LINK_CHANGED = 'LINK_CHANGED',
}
registerEnumType(PeerEventKind, {
  name: 'PeerEventKind',
  description: 'JOINED: first heartbeat, or back after OFFLINE; LEFT: went OFFLINE; LINK_CHANGED: a new link, or one whose figures moved by 20% or more',
});

export enum SimulationStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(SimulationStatus, { name: 'SimulationStatus' });

@ObjectType()
export class PeerTransportAddress {
  @Field(() => PeerTransport) transport!: PeerTransport;
  @Field() address!: string;
}

@ObjectType('Peer', { description: 'A P2P mesh node, identified by its Ed25519 public key' })
export class PeerType {
  @Field(() => ID) id!: string;
  namespaceId!: string;
  @Field() namespace!: string;
  @Field({ description: 'Base64 raw Ed25519 public key: heartbeats and link reports must be signed with its private key' }) publicKey!: string;
  @Field() displayName!: string;
  @Field(() => DeviceClass) deviceClass!: DeviceClass;
  @Field(() => String, { nullable: true }) region!: string | null;
  @Field(() => [PeerTransportAddress]) transports!: PeerTransportAddress[];
  @Field(() => Float, { nullable: true, description: 'Battery charge, percent, from the last heartbeat that carried it' }) batteryPercent!: number | null;
  @Field(() => PeerStatus) status!: PeerStatus;
  @Field(() => Date, { nullable: true }) lastSeenAt!: Date | null;
  @Field(() => Float, { description: 'Highest message sequence number accepted; the next message must carry a larger one' }) lastSeq!: number;
  @Field(() => Float, { description: 'Heartbeats accepted' }) heartbeats!: number;
  @Field() createdAt!: Date;
}

@ObjectType()
export class PeerConnection {
  @Field(() => [PeerType]) nodes!: PeerType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType()
export class PeerLinkSample {
  @Field() at!: Date;
  @Field(() => Float) latencyMs!: number;
  @Field(() => Float) throughputMbps!: number;
  @Field(() => Float) successRate!: number;
}

@ObjectType('PeerLink', { description: 'A directed link as its `from` peer measures it over one transport (the latest report)' })
export class PeerLinkType {
  @Field(() => ID) id!: string;
  @Field(() => ID) fromPeerId!: string;
  @Field(() => ID) toPeerId!: string;
  @Field(() => PeerTransport) transport!: PeerTransport;
  @Field(() => Float) latencyMs!: number;
  @Field(() => Float) throughputMbps!: number;
  @Field(() => Float) successRate!: number;
  @Field(() => Int, { description: 'Reports received for this link' }) reports!: number;
  @Field() updatedAt!: Date;
}

@ObjectType()
export class PeerMessageRejection {
  @Field(() => Int, { description: 'Position of the message in the request' }) index!: number;
  @Field(() => ID, { nullable: true }) peerId!: string | null;
  @Field(() => PeerMessageRejectReason) reason!: PeerMessageRejectReason;
  @Field() message!: string;
}

@ObjectType({ description: 'What became of a batch of signed peer messages: accepted ones are stored; rejected ones are counted and listed' })
export class PeerMessageResult {
  @Field(() => Int) accepted!: number;
  @Field(() => Int) heartbeats!: number;
  @Field(() => Int) linkReports!: number;
  @Field(() => [PeerMessageRejection]) rejected!: PeerMessageRejection[];
}

@ObjectType()
export class RouteHop {
  @Field(() => ID) from!: string;
  @Field(() => ID) to!: string;
  @Field(() => PeerTransport, { description: 'The transport chosen for this hop' }) transport!: PeerTransport;
  @Field(() => Float) latencyMs!: number;
  @Field(() => Float) throughputMbps!: number;
  @Field(() => Float) successRate!: number;
  @Field(() => Float, { description: 'Battery impact charged on this hop (0 unless an end is MOBILE)' }) batteryImpact!: number;
}

@ObjectType({ description: "The guide's SmartRouter score parts, each in [0, 1]: score = 0.3·latency + 0.3·throughput + 0.3·reliability + 0.1·battery" })
export class RouteScoreBreakdown {
  @Field(() => Float) latency!: number;
  @Field(() => Float) throughput!: number;
  @Field(() => Float) reliability!: number;
  @Field(() => Float) battery!: number;
}

@ObjectType()
export class PeerRoute {
  @Field(() => [ID], { description: 'from, …, to' }) peers!: string[];
  @Field(() => [RouteHop]) hops!: RouteHop[];
  @Field(() => Float) score!: number;
  @Field(() => RouteScoreBreakdown) breakdown!: RouteScoreBreakdown;
  @Field(() => Float, { description: 'Expected delivery time on warm connections: Σ (latency + size / throughput), store-and-forward' }) expectedLatencyMs!: number;
  @Field(() => Float, { description: 'Sum of hop latencies' }) pathLatencyMs!: number;
  @Field(() => Float, { description: 'Smallest hop throughput' }) bottleneckMbps!: number;
  @Field(() => Float, { description: 'Product of hop success rates' }) successRate!: number;
}

@ObjectType()
export class RouteResult {
  @Field(() => PeerRoute) best!: PeerRoute;
  @Field(() => [PeerRoute], { description: 'Next-best routes over different peer sequences, best first' }) alternatives!: PeerRoute[];
  @Field(() => Float, { description: 'Time the path search took on the server, ms (the mesh snapshot is cached)' }) computeMs!: number;
  @Field({ description: 'When the mesh snapshot routed on was loaded' }) graphBuiltAt!: Date;
}

@ObjectType()
export class CountByStatus {
  @Field(() => PeerStatus) status!: PeerStatus;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class CountByDeviceClass {
  @Field(() => DeviceClass) deviceClass!: DeviceClass;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class TransportSummary {
  @Field(() => PeerTransport) transport!: PeerTransport;
  @Field(() => Int, { description: 'Peers listening on it' }) peers!: number;
  @Field(() => Int, { description: 'Directed links measured over it' }) links!: number;
}

@ObjectType()
export class RejectionRate {
  @Field(() => PeerMessageRejectReason) reason!: PeerMessageRejectReason;
  @Field(() => Float) perSecond!: number;
}

@ObjectType({ description: 'The mesh at a glance (also GET /v1/p2p/status)' })
export class P2PStatus {
  @Field(() => Int) peers!: number;
  @Field(() => [CountByStatus]) byStatus!: CountByStatus[];
  @Field(() => [TransportSummary]) byTransport!: TransportSummary[];
  @Field(() => [CountByDeviceClass]) byDeviceClass!: CountByDeviceClass[];
  @Field(() => Int) links!: number;
  @Field(() => Float, { nullable: true }) averageLatencyMs!: number | null;
  @Field(() => Float, { nullable: true }) averageSuccessRate!: number | null;
  @Field(() => Float, { description: 'Over the last 10 s, all API instances' }) heartbeatsPerSecond!: number;
  @Field(() => Float) linkReportsPerSecond!: number;
  @Field(() => Float) rejectedPerSecond!: number;
  @Field(() => [RejectionRate]) rejectedByReason!: RejectionRate[];
  @Field() healthy!: boolean;
  @Field(() => [String]) problems!: string[];
}

@ObjectType()
export class PeerEventLink {
  @Field(() => ID) toPeerId!: string;
  @Field(() => PeerTransport) transport!: PeerTransport;
  @Field(() => Float) latencyMs!: number;
  @Field(() => Float) throughputMbps!: number;
  @Field(() => Float) successRate!: number;
  @Field() isNew!: boolean;
}

@ObjectType()
export class PeerEvent {
  @Field(() => PeerEventKind) kind!: PeerEventKind;
  @Field(() => ID) peerId!: string;
  @Field() namespace!: string;
  @Field() at!: Date;
  @Field(() => PeerEventLink, { nullable: true }) link!: PeerEventLink | null;
}
