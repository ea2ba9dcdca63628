/** The syntax tree of an RFC 7644 section 3.4.2.2 filter (the ABNF of its figure 1). */

/** Comparison operators of RFC 7644 section 3.4.2.2, table 3; `pr` is a node kind of its own. */
export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'lt' | 'ge' | 'le';

/** `compValue = false / null / true / number / string` (RFC 7644 figure 1). */
export type CompValue = string | number | boolean | null;

/** `attrPath = [URI ":"] ATTRNAME *1subAttr`, names as written (resolution is the compiler's job). */
export interface AttrPath {
  uri: string | undefined;
  name: string;
  sub: string | undefined;
  /** 1-based position in the filter text, for error messages. */
  position: number;
}

export type FilterNode =
  | { kind: 'compare'; path: AttrPath; op: CompareOperator; value: CompValue }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; filter: FilterNode }
  /**
   * `emails[type eq "work"]`: one element must satisfy `filter`, whose paths name sub-attributes.
   * Entra's `emails[type eq "work"].value eq "x"` is parsed into this form with the trailing
   * comparison ANDed into `filter`, so the same element has to satisfy both.
   */
  | { kind: 'valuePath'; path: AttrPath; filter: FilterNode };

export const COMPARE_OPERATORS: readonly CompareOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le'];

/** The path as text, `uri:name.sub`, the form `resolveAttribute` takes. */
export function pathText(path: AttrPath): string {
  return `${path.uri === undefined ? '' : `${path.uri}:`}${path.name}${path.sub === undefined ? '' : `.${path.sub}`}`;
}
