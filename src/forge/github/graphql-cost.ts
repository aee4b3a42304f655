/**
 * What a GraphQL request will cost of the GraphQL quota, worked out before it is sent, the way
 * GitHub documents it: every connection counts one request for each item its enclosing
 * connections may return (assuming each returns its full `first`/`last`), the sum is divided by
 * 100 and rounded, and the least a query costs is one point; a mutation costs one. The pacer takes
 * this many points, so that queries in flight together never spend more than is left.
 */
import { Kind, OperationTypeNode, parse, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

/** The cost assumed for a document that cannot be read (the server will refuse it, at no cost). */
const UNREADABLE_COST = 1;
/** Past this depth a selection is not followed (GitHub refuses such documents anyway). */
const MAX_DEPTH = 30;
/** Fields whose presence marks a selection as a connection's, even without `first` or `last`. */
const CONNECTION_FIELDS = new Set(['nodes', 'edges', 'pageInfo', 'totalCount']);

function intArgument(v: ValueNode | undefined, variables: Readonly<Record<string, unknown>>): number | undefined {
  if (!v) return undefined;
  const value = v.kind === Kind.INT ? Number(v.value) : v.kind === Kind.VARIABLE ? variables[v.name.value] : undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? Math.min(value, 100) : undefined;
}

/** Every field a selection set names, fragments and inline fragments included. */
function fieldsOf(set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, depth = 0): FieldNode[] {
  if (depth > MAX_DEPTH) return [];
  return set.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return [s];
    if (s.kind === Kind.INLINE_FRAGMENT) return fieldsOf(s.selectionSet, fragments, depth + 1);
    const f = fragments.get(s.name.value);
    return f ? fieldsOf(f.selectionSet, fragments, depth + 1) : [];
  });
}

/** Pure: the points a parsed document costs with these variables. */
function documentCost(doc: DocumentNode, variables: Readonly<Record<string, unknown>> = {}): number {
  const operation = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return UNREADABLE_COST;
  if (operation.operation === OperationTypeNode.MUTATION) return 1;
  const fragments = new Map(doc.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  let requests = 0;
  const walk = (set: SelectionSetNode, multiplier: number, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    for (const field of fieldsOf(set, fragments)) {
      if (!field.selectionSet) continue;
      const arg = (name: string): number | undefined => intArgument(field.arguments?.find((a) => a.name.value === name)?.value, variables);
      const size = arg('first') ?? arg('last');
      const isConnection = size !== undefined || fieldsOf(field.selectionSet, fragments).some((f) => CONNECTION_FIELDS.has(f.name.value));
      if (isConnection) requests += multiplier;
      walk(field.selectionSet, isConnection ? multiplier * Math.max(size ?? 0, 1) : multiplier, depth + 1);
    }
  };
  walk(operation.selectionSet, 1, 0);
  return Math.max(1, Math.round(requests / 100));
}

/** The points a request's `query` will cost; a query that does not parse costs UNREADABLE_COST. */
export function graphqlCost(query: unknown, variables: unknown): number {
  if (typeof query !== 'string') return UNREADABLE_COST;
  let doc: DocumentNode;
  try {
    doc = parse(query);
  } catch {
    return UNREADABLE_COST;
  }
  const vars = typeof variables === 'object' && variables !== null ? (variables as Record<string, unknown>) : {};
  return documentCost(doc, vars);
}
