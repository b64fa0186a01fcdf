import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { DeviceClass, PeerStatus, PeerTransport } from './peer.type.js';

@InputType()
export class PeerTransportAddressInput {
  @Field(() => PeerTransport) transport!: PeerTransport;
  @Field({ description: 'Where the peer listens on it (e.g. ble://…, htx://host:port, quic://host:port)' }) address!: string;
}

@InputType()
export class RegisterPeerInput {
  @Field({ defaultValue: 'default' }) namespace!: string;
  @Field({ description: 'Base64 raw Ed25519 public key (32 bytes)' }) publicKey!: string;
  @Field() displayName!: string;
  @Field(() => DeviceClass) deviceClass!: DeviceClass;
  @Field(() => String, { nullable: true }) region?: string | null;
  @Field(() => [PeerTransportAddressInput], { defaultValue: [] }) transports!: PeerTransportAddressInput[];
}

@InputType({ description: "A signed peer message: `payload` is the JSON document exactly as signed; `signature` the base64 Ed25519 signature of its UTF-8 bytes with the peer's key" })
export class SignedPeerMessageInput {
  @Field(() => ID) peerId!: string;
  @Field() payload!: string;
  @Field(() => String, { nullable: true }) signature?: string | null;
}

@InputType()
export class PeerFilter {
  @Field(() => String, { nullable: true }) namespace?: string | null;
  @Field(() => PeerStatus, { nullable: true }) status?: PeerStatus | null;
  @Field(() => String, { nullable: true, description: 'Part of the display name' }) search?: string | null;
}

@InputType()
export class TransportMixInput {
  @Field(() => Float) ble!: number;
  @Field(() => Float) htx!: number;
  @Field(() => Float) quic!: number;
}

@InputType()
export class SimulatePropagationInput {
  @Field({ defaultValue: 'default' }) namespace!: string;
  @Field(() => ID, { nullable: true, description: "A generated topology; absent: the namespace's registered ONLINE peers as they are when the job runs" }) topologyId?: string | null;
  @Field(() => String, { nullable: true, description: 'Peer id (registered) or peer-<i> (generated); default the first peer' }) source?: string | null;
  @Field(() => Int, { description: 'Hops a message may travel, 0..16' }) ttl!: number;
  @Field(() => Float, { description: 'Share of peers (never the source) that are down, [0, 1)' }) failureRate!: number;
  @Field(() => Int) seed!: number;
  @Field(() => Int, { nullable: true, description: 'Forward to this many random neighbours (default: all, i.e. flooding)' }) fanout?: number | null;
  @Field(() => Int, { nullable: true, description: 'Bytes, default 1024' }) messageSize?: number | null;
  @Field(() => Boolean, { nullable: true, description: 'Drop transmissions with probability 1 − link success rate' }) linkLoss?: boolean | null;
}
