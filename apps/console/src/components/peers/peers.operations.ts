/** GraphQL operations of the Peers page (run `npm run codegen` after editing). */
import { graphql } from '@/gql';

export const peersNamespacesQuery = graphql(`
  query PeersNamespaces {
    namespaces {
      id
      name
    }
  }
`);

export const p2pStatusQuery = graphql(`
  query P2PStatus($namespace: String) {
    p2pStatus(namespace: $namespace) {
      peers
      links
      byStatus {
        status
        count
      }
      byTransport {
        transport
        peers
        links
      }
      byDeviceClass {
        deviceClass
        count
      }
      averageLatencyMs
      averageSuccessRate
      heartbeatsPerSecond
      linkReportsPerSecond
      rejectedPerSecond
      rejectedByReason {
        reason
        perSecond
      }
      healthy
      problems
    }
  }
`);

/** The registered mesh for the graph: peers with their own (OUT) link reports, a page at a time. */
export const meshPeersQuery = graphql(`
  query MeshPeers($namespace: String!, $first: Int!, $after: String) {
    peers(filter: { namespace: $namespace }, first: $first, after: $after) {
      nodes {
        id
        displayName
        status
        deviceClass
        links(direction: OUT) {
          id
          toPeerId
          transport
          latencyMs
          throughputMbps
          successRate
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const peerDetailQuery = graphql(`
  query PeerDetail($id: ID!, $historyLimit: Int!) {
    peer(id: $id) {
      id
      namespace
      displayName
      deviceClass
      region
      status
      batteryPercent
      lastSeenAt
      lastSeq
      heartbeats
      createdAt
      publicKey
      transports {
        transport
        address
      }
      links(direction: OUT) {
        id
        toPeerId
        transport
        latencyMs
        throughputMbps
        successRate
        reports
        updatedAt
        to {
          id
          displayName
          status
        }
        history(limit: $historyLimit) {
          at
          latencyMs
          throughputMbps
          successRate
        }
      }
    }
  }
`);

export const routeQuery = graphql(`
  query PeerRoute($from: ID!, $to: ID!, $messageSize: Int!, $alternatives: Int!) {
    route(from: $from, to: $to, messageSize: $messageSize, alternatives: $alternatives) {
      computeMs
      graphBuiltAt
      best {
        ...RouteFields
      }
      alternatives {
        ...RouteFields
      }
    }
  }

  fragment RouteFields on PeerRoute {
    peers
    score
    expectedLatencyMs
    pathLatencyMs
    bottleneckMbps
    successRate
    breakdown {
      latency
      throughput
      reliability
      battery
    }
    hops {
      from
      to
      transport
      latencyMs
      throughputMbps
      successRate
      batteryImpact
    }
  }
`);

export const peerEventsSubscription = graphql(`
  subscription PeerEvents($namespace: String!) {
    peerEvents(namespace: $namespace) {
      kind
      peerId
      namespace
      at
      link {
        toPeerId
        transport
        latencyMs
        successRate
        throughputMbps
        isNew
      }
    }
  }
`);

export const meshTopologiesQuery = graphql(`
  query MeshTopologies($namespace: String, $first: Int!) {
    meshTopologies(namespace: $namespace, first: $first) {
      ...TopologyFields
    }
  }

  fragment TopologyFields on MeshTopology {
    id
    namespace
    name
    nodes
    degree
    seed
    mobileShare
    status
    error
    durationMs
    createdAt
    finishedAt
    transportMix {
      ble
      htx
      quic
    }
    stats {
      links
      mobilePeers
      averageDegree
      components
    }
  }
`);

/** A generated mesh's peers and links (null above 2,000 peers or before it is generated). */
export const meshTopologyGraphQuery = graphql(`
  query MeshTopologyGraph($id: ID!) {
    meshTopology(id: $id) {
      id
      status
      nodes
      graph {
        peers {
          id
          mobile
        }
        links {
          a
          b
          transports {
            transport
            latencyMs
            throughputMbps
            successRate
          }
        }
      }
    }
  }
`);

export const generateMeshTopologyMutation = graphql(`
  mutation GenerateMeshTopology(
    $namespace: String!
    $name: String
    $nodes: Int!
    $degree: Int!
    $seed: Int!
    $mobileShare: Float
    $transportMix: TransportMixInput!
  ) {
    generateMeshTopology(
      namespace: $namespace
      name: $name
      nodes: $nodes
      degree: $degree
      seed: $seed
      mobileShare: $mobileShare
      transportMix: $transportMix
    ) {
      id
      name
      status
    }
  }
`);

export const propagationSimulationsQuery = graphql(`
  query PropagationSimulations($namespace: String, $first: Int!) {
    propagationSimulations(namespace: $namespace, first: $first) {
      id
      namespace
      topologyId
      source
      ttl
      failureRate
      seed
      fanout
      messageSize
      linkLoss
      status
      error
      durationMs
      createdAt
      startedAt
      finishedAt
      report {
        source
        nodes
        liveNodes
        failedNodes
        reachableNodes
        informedNodes
        avgPropagationMs
        hopsAvg
        hopsMax
        transmissions
        useful
        duplicates
        lost
        bandwidthEfficiency
        reachability
        graphMs
        simulateMs
        timeToLive {
          p50
          p95
          p100
        }
        timeToReachable {
          p50
          p95
          p100
        }
        guideComparison {
          metric
          guide
          simulated
          unit
        }
      }
    }
  }
`);

export const simulatePropagationMutation = graphql(`
  mutation SimulatePropagation($input: SimulatePropagationInput!) {
    simulatePropagation(input: $input) {
      id
      status
    }
  }
`);

export const removePeerMutation = graphql(`
  mutation RemovePeer($id: ID!) {
    removePeer(id: $id) {
      id
      displayName
    }
  }
`);
