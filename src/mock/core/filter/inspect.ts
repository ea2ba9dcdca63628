import { RESOURCE_TYPES, resolveAttribute } from '../../../scim/schema.js';
import { SCHEMA } from '../../../scim/types.js';
import { pathText, type AttrPath, type FilterNode } from './ast.js';

/** Attributes the store indexes or that are cheap to look up by equality. */
export type LookupAttribute = 'id' | 'userName' | 'externalId' | 'displayName';

const LOOKUP: Record<string, LookupAttribute> = { id: 'id', username: 'userName', externalid: 'externalId', displayname: 'displayName' };
const CORE_URNS = [SCHEMA.user, SCHEMA.group].map((u) => u.toLowerCase());

/**
 * Recognises a whole filter of the form `X eq "string"` on id, userName, externalId or
 * displayName (attribute name case-insensitive, core schema URN allowed), the match-before-create
 * lookup every provisioning client sends (RFC 7644 section 3.4.2.2), so the store can answer it
 * from an index. The caller still applies the compiled filter for the exact case rules.
 */
export function equalityLookup(node: FilterNode): { attribute: LookupAttribute; value: string } | undefined {
  if (node.kind !== 'compare' || node.op !== 'eq' || typeof node.value !== 'string') return undefined;
  const { uri, name, sub } = node.path;
  if (sub !== undefined || (uri !== undefined && !CORE_URNS.includes(uri.toLowerCase()))) return undefined;
  const attribute = LOOKUP[name.toLowerCase()];
  return attribute === undefined ? undefined : { attribute, value: node.value };
}

/**
 * The attribute paths a filter uses, canonical where a schema knows them (`USERNAME` becomes
 * `userName`, a core URN prefix is dropped, `emails[type eq "work"]` gives `emails.type`;
 * extension attributes keep their URN). For profiles that restrict filterable attributes
 * (RFC 7644 section 3.4.2.2 allows a provider to refuse a filter with invalidFilter).
 */
export function filterAttributes(node: FilterNode): string[] {
  const paths: string[] = [];
  collect(node, undefined, paths);
  const seen = new Set<string>();
  return paths.filter((path) => {
    const key = path.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function collect(node: FilterNode, parent: AttrPath | undefined, into: string[]): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      collect(node.left, parent, into);
      collect(node.right, parent, into);
      return;
    case 'not':
      collect(node.filter, parent, into);
      return;
    case 'valuePath':
      collect(node.filter, node.path, into);
      return;
    case 'compare':
    case 'present':
      into.push(canonical(parent === undefined ? pathText(node.path) : `${pathText(parent)}.${node.path.name}`));
  }
}

function canonical(path: string): string {
  for (const type of RESOURCE_TYPES) {
    const resolved = resolveAttribute(type, path);
    if (resolved) return `${resolved.schema === undefined ? '' : `${resolved.schema}:`}${resolved.segments.join('.')}`;
  }
  const lower = path.toLowerCase();
  const core = CORE_URNS.find((u) => lower.startsWith(`${u}:`));
  return core === undefined ? path : path.slice(core.length + 1);
}
