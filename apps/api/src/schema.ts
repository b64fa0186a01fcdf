/** Builds the one GraphQL schema from every module's resolvers. */
import { DateTimeResolver } from 'graphql-scalars';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { hasRole, type RoleName } from '@aivillage/auth';
import type { Context } from './context.js';
import { AccessResolver, ApiKeyFieldsResolver } from './modules/access/access.resolver.js';
import { ModelResolver, ModelVersionFieldsResolver } from './modules/models/model.resolver.js';
import { InferenceResolver } from './modules/models/inference.resolver.js';
import { TrainingPhaseFieldsResolver, TrainingRunResolver } from './modules/training/training.resolver.js';
import { MeshSimulationResolver, PeerLinkFieldsResolver, PeerResolver, PropagationSimulationFieldsResolver } from './modules/peers/peer.resolver.js';
import { NamespaceResolver } from './modules/namespaces/namespace.resolver.js';
import { KnowledgeResolver } from './modules/knowledge/knowledge.resolver.js';
import { KnowledgeEntitiesResolver } from './modules/knowledge/knowledge-entities.resolver.js';
import {
  ChunkFieldsResolver, DocumentFieldsResolver, KnowledgePathFieldsResolver, NeighborhoodNodeFieldsResolver, RelationFieldsResolver,
} from './modules/knowledge/knowledge-fields.resolver.js';
import { FogJobResolver, FogNodeResolver } from './modules/fog/fog.resolver.js';
import { PlatformResolver } from './modules/platform/platform.resolver.js';
import { CapacityResolver } from './modules/observability/capacity.resolver.js';
import { SloResolver } from './modules/observability/slo.resolver.js';
import { AlertResolver } from './modules/observability/alert.resolver.js';
import { ProfilingResolver } from './modules/observability/profiling.resolver.js';

export const resolvers = [
  PlatformResolver, NamespaceResolver, AccessResolver, ApiKeyFieldsResolver, ModelResolver, ModelVersionFieldsResolver, InferenceResolver,
  TrainingRunResolver, TrainingPhaseFieldsResolver, PeerResolver, PeerLinkFieldsResolver, MeshSimulationResolver, PropagationSimulationFieldsResolver,
  FogNodeResolver, FogJobResolver,
  KnowledgeResolver, KnowledgeEntitiesResolver, DocumentFieldsResolver, ChunkFieldsResolver, RelationFieldsResolver, NeighborhoodNodeFieldsResolver, KnowledgePathFieldsResolver,
  CapacityResolver, SloResolver, AlertResolver, ProfilingResolver,
] as const;

export function buildApiSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
    // @Authorized('ROLE'): the caller's platform-wide role must be at least ROLE.
    // Namespace rules are enforced in services (libs/auth principal filters).
    authChecker: ({ context }, roles) => {
      const { principal } = context as Context;
      return roles.length === 0 || roles.some((r) => hasRole(principal, r as RoleName));
    },
    // Subscriptions subscribe through the request context's Redis pub/sub (see
    // PlatformResolver), so the schema needs none of its own; type-graphql insists on one.
    pubSub: {
      publish: () => {
        throw new Error('publish through context.pubsub');
      },
      subscribe: () => {
        throw new Error('subscribe through context.pubsub with `subscribe:`');
      },
    },
  });
}

/** The committed SDL: sorted, so it only changes when the schema does. */
export function printApiSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
