/**
 * Per-tier query depth and cost, checked after parsing and before execution, for HTTP and
 * WebSocket alike. Cost: every field costs 1; a field's children cost as many times as its
 * `first`/`limit` argument asks for (lists without one count once). Depth counts field
 * levels, following fragments. Introspection fields are free.
 */
import {
  GraphQLError, Kind, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode,
} from 'graphql';
import { canAccessNamespace, TIERS, type Principal } from '@aivillage/auth';
import { ErrorCode } from '@aivillage/errors';

const PAGE_ARGS = new Set(['first', 'last', 'limit', 'top', 'k']);

function argNumber(value: ValueNode, variables: Record<string, unknown>): number | null {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'number' ? v : null;
  }
  return null;
}

export function measureOperation(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> = {},
): { depth: number; cost: number } {
  const walk = (set: SelectionSetNode | undefined, seen: Set<string>): { depth: number; cost: number } => {
    if (!set) return { depth: 0, cost: 0 };
    let depth = 0;
    let cost = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        const child = walk(sel.selectionSet, seen);
        const page = sel.arguments?.find((a) => PAGE_ARGS.has(a.name.value));
        const multiplier = Math.max(1, page ? (argNumber(page.value, variables) ?? 1) : 1);
        cost += 1 + child.cost * multiplier;
        depth = Math.max(depth, 1 + child.depth);
      } else {
        const inner = sel.kind === Kind.INLINE_FRAGMENT ? sel.selectionSet : seen.has(sel.name.value) ? undefined : fragments[sel.name.value]?.selectionSet;
        const child = walk(inner, sel.kind === Kind.FRAGMENT_SPREAD ? new Set(seen).add(sel.name.value) : seen);
        cost += child.cost;
        depth = Math.max(depth, child.depth);
      }
    }
    return { depth, cost };
  };
  return walk(operation.selectionSet, new Set());
}

/**
 * Every `namespace` the operation names, as a field argument or a field of an input object,
 * literal or variable. Lets the edge refuse a cross-namespace request before any resolver runs.
 */
export function namespacesNamed(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> = {},
): string[] {
  const found = new Set<string>();
  const fromValue = (value: ValueNode, isNamespace: boolean): void => {
    if (isNamespace) {
      const v = value.kind === Kind.STRING ? value.value : value.kind === Kind.VARIABLE ? variables[value.name.value] : undefined;
      if (typeof v === 'string') found.add(v);
      return;
    }
    if (value.kind === Kind.OBJECT) for (const f of value.fields) fromValue(f.value, f.name.value === 'namespace');
    else if (value.kind === Kind.LIST) for (const v of value.values) fromValue(v, false);
    else if (value.kind === Kind.VARIABLE) fromJson(variables[value.name.value]);
  };
  const fromJson = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(fromJson);
    else if (v && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (k === 'namespace' && typeof inner === 'string') found.add(inner);
        else fromJson(inner);
      }
    }
  };
  const walk = (set: SelectionSetNode | undefined, seen: Set<string>): void => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) {
        for (const arg of sel.arguments ?? []) fromValue(arg.value, arg.name.value === 'namespace');
        walk(sel.selectionSet, seen);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet, seen);
      else if (!seen.has(sel.name.value)) walk(fragments[sel.name.value]?.selectionSet, new Set(seen).add(sel.name.value));
    }
  };
  walk(operation.selectionSet, new Set());
  return [...found];
}

/** Throws a coded GraphQLError when the operation is beyond the caller's tier, scopes or namespaces. */
export function enforceOperationLimits(
  principal: Principal,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> | undefined,
): void {
  if (operation.operation === 'mutation' && !principal.scopes.includes('write')) {
    throw new GraphQLError('This key or role may not run mutations (scope "write" required)', {
      extensions: { code: ErrorCode.FORBIDDEN, http: { status: 403 } },
    });
  }
  const foreign = namespacesNamed(operation, fragments, variables ?? {}).filter((ns) => !canAccessNamespace(principal, ns));
  if (foreign.length) {
    throw new GraphQLError(`No access to namespace ${JSON.stringify(foreign[0])}`, {
      extensions: { code: ErrorCode.FORBIDDEN, namespace: foreign[0], http: { status: 403 } },
    });
  }
  const limits = TIERS[principal.tier];
  const { depth, cost } = measureOperation(operation, fragments, variables ?? {});
  if (depth > limits.maxQueryDepth) {
    throw new GraphQLError(`Query depth ${depth} exceeds the ${principal.tier} limit of ${limits.maxQueryDepth}`, {
      extensions: { code: ErrorCode.QUERY_TOO_DEEP, depth, maxDepth: limits.maxQueryDepth, http: { status: 400 } },
    });
  }
  if (cost > limits.maxQueryCost) {
    throw new GraphQLError(`Query cost ${cost} exceeds the ${principal.tier} limit of ${limits.maxQueryCost}`, {
      extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, cost, maxCost: limits.maxQueryCost, http: { status: 400 } },
    });
  }
}
