import type { ScimType } from '../../../scim/types.js';
import { badRequest, type ScimHttpError } from '../errors.js';
import { COMPARE_OPERATORS, pathText, type AttrPath, type CompValue, type FilterNode } from './ast.js';
import { tokenize, type Token } from './tokenize.js';

/**
 * Parses a filter (RFC 7644 section 3.4.2.2, figure 1) with the precedence the RFC gives:
 * `not` binds tighter than `and`, which binds tighter than `or`; parentheses group. Keywords,
 * operators and `true`/`false`/`null` are case-insensitive. Besides the RFC grammar it reads
 * Entra ID's `emails[type eq "work"].value eq "a@b"` as one value path whose single element must
 * satisfy both comparisons. Throws 400 invalidFilter naming what is wrong and its 1-based position.
 */
export function parseFilter(text: string): FilterNode {
  const parser = new Parser(text, 'invalidFilter', 'filter');
  const node = parser.filter(false);
  parser.expectEnd();
  return node;
}

/** A PATCH path: `attr`, `attr.sub`, `urn:...:attr(.sub)`, `attr[filter]` or `attr[filter].sub`. */
export interface PatchPath {
  path: AttrPath;
  filter: FilterNode | undefined;
  sub: string | undefined;
}

/**
 * Parses a PATCH path, `PATH = attrPath / valuePath [subAttr]` (RFC 7644 section 3.5.2).
 * A path that does not parse throws 400 invalidPath.
 */
export function parsePatchPath(text: string): PatchPath {
  const parser = new Parser(text, 'invalidPath', 'PATCH path');
  const result = parser.patchPath();
  parser.expectEnd();
  return result;
}

/**
 * Limits a real SCIM server would have too: every later pass over the tree recurses, so a filter
 * of 200,000 nested parentheses or a 40,000-term `or` chain is refused as invalidFilter here
 * instead of overflowing the stack. Identity providers send one to a few terms.
 */
export const MAX_FILTER_DEPTH = 32;
export const MAX_FILTER_TERMS = 500;

// ATTRNAME = ALPHA *(nameChar); `$` is allowed because the RFC's own `$ref` sub-attribute needs it.
const NAME = /^[A-Za-z$][\w$-]*$/;

class Parser {
  readonly #tokens: Token[];
  #index = 0;
  readonly #text: string;
  readonly #scimType: ScimType;
  readonly #what: string;
  #depth = 0;
  #terms = 0;

  constructor(text: string, scimType: ScimType, what: string) {
    this.#text = text;
    this.#scimType = scimType;
    this.#what = what;
    this.#tokens = tokenize(text, scimType, what);
  }

  /** `FILTER` at the `or` level; `inValue` is true inside `[...]`, where brackets may not nest. */
  filter(inValue: boolean): FilterNode {
    if (++this.#depth > MAX_FILTER_DEPTH) throw this.#error(`the ${this.#what} nests deeper than ${MAX_FILTER_DEPTH} levels`, this.#peek());
    let left = this.#conjunction(inValue);
    while (isKeyword(this.#peek(), 'or')) {
      this.#next();
      left = { kind: 'or', left, right: this.#conjunction(inValue) };
    }
    this.#depth--;
    return left;
  }

  patchPath(): PatchPath {
    const token = this.#next();
    if (token.type !== 'word' || token.text.startsWith('.')) throw this.#error(`expected an attribute path, found ${describe(token)}`, token);
    const path = this.#attrPath(token);
    if (this.#peek().type !== '[') return { path, filter: undefined, sub: undefined };
    const [filter, sub] = this.#bracket(path);
    return { path, filter, sub: sub?.name };
  }

  expectEnd(): void {
    const token = this.#peek();
    if (token.type !== 'end') throw this.#error(`unexpected ${describe(token)}`, token);
  }

  #conjunction(inValue: boolean): FilterNode {
    let left = this.#negation(inValue);
    while (isKeyword(this.#peek(), 'and')) {
      this.#next();
      left = { kind: 'and', left, right: this.#negation(inValue) };
    }
    return left;
  }

  #negation(inValue: boolean): FilterNode {
    if (!isKeyword(this.#peek(), 'not')) return this.#atom(inValue);
    this.#next();
    const open = this.#next();
    // The ABNF has `not "(" FILTER ")"` only; `not title pr` is an error, as in the RFC.
    if (open.type !== '(') throw this.#error(`expected "(" after not, found ${describe(open)}`, open);
    const filter = this.filter(inValue);
    this.#expect(')', open);
    return { kind: 'not', filter };
  }

  #atom(inValue: boolean): FilterNode {
    const token = this.#next();
    if (token.type === '(') {
      const inner = this.filter(inValue);
      this.#expect(')', token);
      return inner;
    }
    if (token.type !== 'word' || token.text.startsWith('.')) {
      throw this.#error(`expected an attribute name, "(" or not, found ${describe(token)}`, token);
    }
    const path = this.#attrPath(token);
    if (this.#peek().type !== '[') return this.#comparison(path);
    if (inValue) throw this.#error('a value filter cannot contain another "["', this.#peek());
    const [filter, sub] = this.#bracket(path);
    if (sub === undefined) return { kind: 'valuePath', path, filter };
    return { kind: 'valuePath', path, filter: { kind: 'and', left: filter, right: this.#comparison(sub) } };
  }

  /** `[valFilter]` and an optional `.sub` written right after the `]`. */
  #bracket(path: AttrPath): [FilterNode, AttrPath | undefined] {
    const open = this.#next();
    if (path.sub !== undefined) throw this.#error(`"[" must follow an attribute, not the sub-attribute ${pathText(path)}`, open);
    const filter = this.filter(true);
    const close = this.#expect(']', open);
    const token = this.#peek();
    if (token.type !== 'word' || !token.text.startsWith('.') || token.position !== close.end) return [filter, undefined];
    this.#next();
    const name = token.text.slice(1);
    if (!NAME.test(name)) throw this.#error(`invalid sub-attribute name ${JSON.stringify(name)}`, token);
    return [filter, { uri: undefined, name, sub: undefined, position: token.position + 1 }];
  }

  #comparison(path: AttrPath): FilterNode {
    if (++this.#terms > MAX_FILTER_TERMS) throw this.#error(`the ${this.#what} has more than ${MAX_FILTER_TERMS} comparisons`, this.#peek());
    const token = this.#next();
    const word = token.type === 'word' ? token.text.toLowerCase() : '';
    if (word === 'pr') return { kind: 'present', path };
    const op = COMPARE_OPERATORS.find((o) => o === word);
    if (op === undefined) {
      throw this.#error(`expected an operator (eq, ne, co, sw, ew, gt, lt, ge, le or pr) after ${pathText(path)}, found ${describe(token)}`, token);
    }
    return { kind: 'compare', path, op, value: this.#compValue(op) };
  }

  #compValue(op: string): CompValue {
    const token = this.#next();
    if (token.type === 'string' || token.type === 'number') return token.value;
    if (token.type === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
      throw this.#error(`expected a value after ${op}, found ${describe(token)}; strings must be in double quotes`, token);
    }
    throw this.#error(`expected a value (a quoted string, a number, true, false or null) after ${op}, found ${describe(token)}`, token);
  }

  #attrPath(token: Token & { type: 'word' }): AttrPath {
    // An extension URN contains dots ("2.0"); the attribute is what follows its last colon.
    const colon = token.text.lastIndexOf(':');
    const uri = colon === -1 ? undefined : token.text.slice(0, colon);
    const [name = '', sub, ...extra] = token.text.slice(colon + 1).split('.');
    if (uri === '' || !NAME.test(name) || (sub !== undefined && !NAME.test(sub)) || extra.length > 0) {
      throw this.#error(`invalid attribute path ${JSON.stringify(token.text)}`, token);
    }
    return { uri, name, sub, position: token.position };
  }

  #expect(type: ')' | ']', open: Token): Token {
    const token = this.#next();
    if (token.type !== type) throw this.#error(`expected "${type}" to close the "${type === ')' ? '(' : '['}" at position ${open.position}, found ${describe(token)}`, token);
    return token;
  }

  #peek(): Token {
    return this.#tokens[this.#index] ?? this.#last();
  }

  #next(): Token {
    const token = this.#peek();
    if (this.#index < this.#tokens.length - 1) this.#index++;
    return token;
  }

  #last(): Token {
    return { type: 'end', position: this.#text.length + 1, end: this.#text.length + 1 };
  }

  #error(detail: string, token: Token): ScimHttpError {
    const text = this.#text.length <= 200 ? this.#text : `${this.#text.slice(0, 200)}…`;
    return badRequest(this.#scimType, `Failed to parse ${this.#what} ${JSON.stringify(text)}: ${detail} at position ${token.position}`);
  }
}

function isKeyword(token: Token, keyword: string): boolean {
  return token.type === 'word' && token.text.toLowerCase() === keyword;
}

function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'the end of the text';
    case 'word':
      return JSON.stringify(token.text);
    case 'string':
      return `the string ${JSON.stringify(token.value)}`;
    case 'number':
      return `the number ${token.value}`;
    default:
      return `"${token.type}"`;
  }
}
