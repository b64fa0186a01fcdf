-- Peers: the P2P mesh registry (Ed25519 identities), directed links with a bounded history
-- ring buffer, generated mesh topologies and gossip propagation simulations.
CREATE TYPE "PeerStatus" AS ENUM ('NEW', 'ONLINE', 'OFFLINE');
CREATE TYPE "DeviceClass" AS ENUM ('MOBILE', 'DESKTOP', 'SERVER');
CREATE TYPE "PeerTransport" AS ENUM ('BLE', 'HTX', 'QUIC');
CREATE TYPE "SimulationStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

CREATE TABLE "peers" (
    "id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "public_key" BYTEA NOT NULL,
    "display_name" VARCHAR(128) NOT NULL,
    "device_class" "DeviceClass" NOT NULL,
    "region" VARCHAR(64),
    "transports" JSONB NOT NULL,
    "battery_percent" REAL,
    "status" "PeerStatus" NOT NULL DEFAULT 'NEW',
    "last_seq" BIGINT NOT NULL DEFAULT 0,
    "heartbeats" BIGINT NOT NULL DEFAULT 0,
    "last_seen_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "peers_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "peers_public_key_key" ON "peers"("public_key");
CREATE INDEX "peers_namespace_id_status_idx" ON "peers"("namespace_id", "status");
CREATE INDEX "peers_status_last_seen_at_idx" ON "peers"("status", "last_seen_at");

CREATE TABLE "peer_links" (
    "id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "from_peer_id" UUID NOT NULL,
    "to_peer_id" UUID NOT NULL,
    "transport" "PeerTransport" NOT NULL,
    "latency_ms" DOUBLE PRECISION NOT NULL,
    "throughput_mbps" DOUBLE PRECISION NOT NULL,
    "success_rate" DOUBLE PRECISION NOT NULL,
    "reports" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "peer_links_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "peer_links_from_peer_id_to_peer_id_transport_key" ON "peer_links"("from_peer_id", "to_peer_id", "transport");
CREATE INDEX "peer_links_to_peer_id_idx" ON "peer_links"("to_peer_id");
CREATE INDEX "peer_links_namespace_id_idx" ON "peer_links"("namespace_id");

CREATE TABLE "peer_link_samples" (
    "link_id" UUID NOT NULL,
    "slot" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "latency_ms" DOUBLE PRECISION NOT NULL,
    "throughput_mbps" DOUBLE PRECISION NOT NULL,
    "success_rate" DOUBLE PRECISION NOT NULL,
    CONSTRAINT "peer_link_samples_pkey" PRIMARY KEY ("link_id", "slot")
);

CREATE TABLE "mesh_topologies" (
    "id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "params" JSONB NOT NULL,
    "status" "SimulationStatus" NOT NULL DEFAULT 'QUEUED',
    "stats" JSONB,
    "graph" JSONB,
    "error" TEXT,
    "duration_ms" DOUBLE PRECISION,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "mesh_topologies_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "mesh_topologies_namespace_id_created_at_idx" ON "mesh_topologies"("namespace_id", "created_at");

CREATE TABLE "propagation_simulations" (
    "id" UUID NOT NULL,
    "namespace_id" UUID NOT NULL,
    "topology_id" UUID,
    "input" JSONB NOT NULL,
    "status" "SimulationStatus" NOT NULL DEFAULT 'QUEUED',
    "result" JSONB,
    "error" TEXT,
    "duration_ms" DOUBLE PRECISION,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "propagation_simulations_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "propagation_simulations_namespace_id_created_at_idx" ON "propagation_simulations"("namespace_id", "created_at");
CREATE INDEX "propagation_simulations_topology_id_idx" ON "propagation_simulations"("topology_id");

ALTER TABLE "peers" ADD CONSTRAINT "peers_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "peer_links" ADD CONSTRAINT "peer_links_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "peer_links" ADD CONSTRAINT "peer_links_from_peer_id_fkey" FOREIGN KEY ("from_peer_id") REFERENCES "peers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "peer_links" ADD CONSTRAINT "peer_links_to_peer_id_fkey" FOREIGN KEY ("to_peer_id") REFERENCES "peers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "peer_link_samples" ADD CONSTRAINT "peer_link_samples_link_id_fkey" FOREIGN KEY ("link_id") REFERENCES "peer_links"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "mesh_topologies" ADD CONSTRAINT "mesh_topologies_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "propagation_simulations" ADD CONSTRAINT "propagation_simulations_namespace_id_fkey" FOREIGN KEY ("namespace_id") REFERENCES "namespaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "propagation_simulations" ADD CONSTRAINT "propagation_simulations_topology_id_fkey" FOREIGN KEY ("topology_id") REFERENCES "mesh_topologies"("id") ON DELETE CASCADE ON UPDATE CASCADE;
