/**
 * GitHub's GraphQL resource limits, approximated: every connection needs `first` or `last`
 * (1..100) when it selects nodes or edges, a query may touch at most 500,000 nodes, and the
 * cost is the number of connection requests divided by 100 (minimum 1).
 */
import {
  OperationTypeNode, getNamedType, isAbstractType, isObjectType, isInterfaceType, Kind,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLSchema,
  type OperationDefinitionNode, type SelectionSetNode, type ValueNode,
} from 'graphql';

export interface CostResult {
  cost: number;
  nodeCount: number;
  errors: string[];
}

const MAX_NODES = 500_000;

function argValue(v: ValueNode | undefined, vars: Record<string, unknown>): unknown {
  if (!v) return undefined;
  if (v.kind === Kind.INT) return Number(v.value);
  if (v.kind === Kind.VARIABLE) return vars[v.name.value];
  if (v.kind === Kind.NULL) return null;
  return undefined;
}

function selectsItems(set: SelectionSetNode | undefined, frags: Map<string, FragmentDefinitionNode>): boolean {
  if (!set) return false;
  return set.selections.some((s) => {
    if (s.kind === Kind.FIELD) return s.name.value === 'nodes' || s.name.value === 'edges';
    if (s.kind === Kind.INLINE_FRAGMENT) return selectsItems(s.selectionSet, frags);
    const f = frags.get(s.name.value);
    return f ? selectsItems(f.selectionSet, frags) : false;
  });
}

export function computeCost(schema: GraphQLSchema, doc: DocumentNode, op: OperationDefinitionNode, vars: Record<string, unknown>): CostResult {
  const frags = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) frags.set(d.name.value, d);
  const errors: string[] = [];
  let requests = 0;
  let nodes = 0;
  const root = op.operation === OperationTypeNode.MUTATION ? schema.getMutationType() : schema.getQueryType();
  if (!root) return { cost: 1, nodeCount: 0, errors: ['operation type not supported'] };

  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, multiplier: number, depth: number): void => {
    if (depth > 30) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        if (t && (isObjectType(t) || isInterfaceType(t) || isAbstractType(t))) walk(sel.selectionSet, t as GraphQLCompositeType, multiplier, depth + 1);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = frags.get(sel.name.value);
        const t = f ? schema.getType(f.typeCondition.name.value) : undefined;
        if (f && t) walk(f.selectionSet, t as GraphQLCompositeType, multiplier, depth + 1);
        continue;
      }
      visitField(sel, parent, multiplier, depth);
    }
  };

  const visitField = (field: FieldNode, parent: GraphQLCompositeType, multiplier: number, depth: number): void => {
    if (!('getFields' in parent)) return;
    const def = parent.getFields()[field.name.value];
    if (!def || !field.selectionSet) return;
    const type = getNamedType(def.type) as GraphQLCompositeType;
    let next = multiplier;
    if (type.name.endsWith('Connection')) {
      const arg = (n: string): unknown => argValue(field.arguments?.find((a) => a.name.value === n)?.value, vars);
      const first = arg('first');
      const last = arg('last');
      const n = typeof first === 'number' ? first : typeof last === 'number' ? last : undefined;
      if (n === undefined && selectsItems(field.selectionSet, frags)) {
        errors.push(`You must provide a \`first\` or \`last\` value to properly paginate the \`${field.name.value}\` connection.`);
      } else if (n !== undefined && (n < 0 || n > 100)) {
        errors.push(`Requesting ${n} records on the \`${field.name.value}\` connection exceeds the \`${typeof first === 'number' ? 'first' : 'last'}\` limit of 100 records.`);
      }
      requests += multiplier;
      const size = n ?? 0;
      next = multiplier * Math.max(size, 1);
      nodes += multiplier * size;
    }
    walk(field.selectionSet, type, next, depth + 1);
  };

  walk(op.selectionSet, root, 1, 0);
  if (nodes > MAX_NODES) errors.push(`By the time this query traverses to the nodes connection, it is requesting up to ${nodes} possible nodes which exceeds the maximum limit of ${MAX_NODES}.`);
  const cost = op.operation === OperationTypeNode.MUTATION ? 1 : Math.max(1, Math.round(requests / 100));
  return { cost, nodeCount: nodes, errors };
}
