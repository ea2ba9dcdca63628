import { closest, distance } from 'fastest-levenshtein';
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';

/** One thing wrong with a scenario file, on a 1-based line. */
export interface ScenarioProblem {
  line: number;
  message: string;
  hint?: string;
}

/** Something in the YAML tree a problem can point at; a missing node points at line 1. */
export type Located = Node | Pair | null | undefined;

/** One key of a YAML map, with its key node (where unknown keys are reported) and its value node. */
export interface Entry {
  key: string;
  keyNode: Node | null;
  value: Node | null;
}

/**
 * Collects problems with the line of the node each is about, so a scenario with five mistakes
 * is fixed in one pass rather than five (changesets' config rules do the same).
 */
export class Problems {
  readonly #doc: Document;
  readonly #lines: LineCounter;
  readonly #problems: ScenarioProblem[] = [];

  constructor(doc: Document, lines: LineCounter) {
    this.#doc = doc;
    this.#lines = lines;
  }

  /** How many problems so far: a check compares counts to learn whether its part was clean. */
  get count(): number {
    return this.#problems.length;
  }

  /** Every problem so far in file order; the sort is stable, so rule order holds within a line. */
  get all(): ScenarioProblem[] {
    return [...this.#problems].sort((a, b) => a.line - b.line);
  }

  /** Records a problem and returns undefined, so a check can `return problems.add(...)`. */
  add(at: Located, message: string, hint?: string): undefined {
    this.#problems.push({ line: this.lineOf(at), message, ...(hint === undefined ? {} : { hint }) });
    return undefined;
  }

  lineOf(at: Located): number {
    const node = isPair(at) ? at.key : at;
    const offset = isNode(node) ? node.range?.[0] : undefined;
    return offset === undefined ? 1 : this.#lines.linePos(offset).line;
  }

  /** The node itself, or what an alias (`*anchor`) points at. */
  resolve(node: Node | null): Node | null {
    return isAlias(node) ? (node.resolve(this.#doc) ?? null) : node;
  }

  /** The entries of a map, in file order; keys that are not plain scalars are problems. */
  entries(map: Node): Entry[] {
    if (!isMap(map)) return [];
    const out: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = isNode(pair.key) ? pair.key : null;
      const value = this.resolve(isNode(pair.value) ? pair.value : null);
      if (isScalar(keyNode) && (typeof keyNode.value === 'string' || typeof keyNode.value === 'number')) {
        out.push({ key: String(keyNode.value), keyNode, value });
      } else {
        this.add(keyNode ?? map, 'a key must be a plain word', 'write keys such as share: or count: without brackets or quotes');
      }
    }
    return out;
  }
}

/** The JavaScript value of a scalar node; undefined for maps, lists and missing values. */
export function scalarOf(node: Node | null): unknown {
  return isScalar(node) ? node.value : undefined;
}

/** What a node holds, for "got ..." in messages. */
export function describeNode(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  const value = scalarOf(node);
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  return String(value);
}

/** "did you mean ...?" when a known name is close to the misspelt one, else the list of known names. */
export function suggestion(name: string, known: readonly string[], noun: string): string {
  const close = closestName(name, known);
  return close === undefined ? `known ${noun}s: ${known.join(', ')}` : `did you mean "${close}"?`;
}

function closestName(name: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = name.toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  // "attribute" for "attributes", "deactivated" for "deactivate": one is the start of the other.
  const prefix = known.find((k) => Math.min(k.length, lower.length) >= 3 && (lower.startsWith(k.toLowerCase()) || k.toLowerCase().startsWith(lower)));
  if (prefix !== undefined) return prefix;
  const best = closest(name, [...known]);
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}
