/**
 * Transport models from the performance guide ("Transport Protocol Performance").
 * Figures marked "assumption" are not in the guide; they are stated here so they can be
 * replaced by measurements later.
 */
export type TransportKind = 'ble' | 'htx' | 'quic';

export const TRANSPORT_KINDS: readonly TransportKind[] = ['ble', 'htx', 'quic'];

export interface Range {
  readonly min: number;
  readonly max: number;
}

export interface TransportModel {
  readonly kind: TransportKind;
  readonly name: string;
  /** One-way latency of one link (one hop), ms. */
  readonly latencyMs: Range;
  /** Link throughput, Mbit/s. */
  readonly throughputMbps: Range;
  /** Connection set-up on first use, ms. */
  readonly setupMs: Range;
  /** Probability that one transmission over the link succeeds (assumption: not in the guide). */
  readonly successRate: Range;
  /** Battery drain, fraction per hour, charged when a mobile peer uses the link. */
  readonly batteryImpact: Range;
  /** Hops over which the guide's latency range applies (BLE mesh only). */
  readonly hops?: Range;
  /** Maximum simultaneous links of this transport per peer (BLE only). */
  readonly connectionLimit?: number;
}

export const TRANSPORTS: Readonly<Record<TransportKind, TransportModel>> = {
  ble: {
    kind: 'ble',
    name: 'BitChat (BLE mesh)',
    // Guide: 15–250 ms over 1–7 hops. Per hop: 15 ms .. 250/7 ≈ 35.7 ms, so a 1-hop path
    // is ≥ 15 ms and a 7-hop path ≤ 250 ms.
    latencyMs: { min: 15, max: 250 / 7 },
    throughputMbps: { min: 1, max: 10 },
    // Assumption: the guide gives no BLE set-up time; mesh links are kept connected.
    setupMs: { min: 0, max: 0 },
    successRate: { min: 0.9, max: 0.99 },
    batteryImpact: { min: 0.02, max: 0.05 },
    hops: { min: 1, max: 7 },
    connectionLimit: 20,
  },
  htx: {
    kind: 'htx',
    name: 'BetaNet (HTX)',
    latencyMs: { min: 8, max: 15 },
    throughputMbps: { min: 100, max: 150 },
    setupMs: { min: 200, max: 200 },
    successRate: { min: 0.97, max: 0.995 },
    // Assumption: the guide gives a battery figure for BLE only.
    batteryImpact: { min: 0, max: 0 },
  },
  quic: {
    kind: 'quic',
    name: 'QUIC',
    latencyMs: { min: 2, max: 8 },
    throughputMbps: { min: 500, max: 1000 },
    setupMs: { min: 0, max: 50 },
    successRate: { min: 0.98, max: 0.999 },
    batteryImpact: { min: 0, max: 0 },
  },
};

/** Mbit/s → bytes per millisecond (1 Mbit/s = 125,000 B/s = 125 B/ms). */
export function mbpsToBytesPerMs(mbps: number): number {
  return mbps * 125;
}
