/** SCIM filters (RFC 7644 section 3.4.2.2): parse once, compile against a resource type, match. */
export type { AttrPath, CompareOperator, CompValue, FilterNode } from './ast.js';
export { compileFilter, compileValueFilter, type FilterOptions, type ResourceMatcher } from './compile.js';
export { equalityLookup, filterAttributes, type LookupAttribute } from './inspect.js';
export { parseFilter, parsePatchPath, type PatchPath } from './parse.js';
