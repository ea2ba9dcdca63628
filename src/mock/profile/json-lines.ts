/** Where things sit in a JSON text, so profile problems can point at a line. Lines are 1-based. */

interface Frame {
  array: boolean;
  path: string;
  key: string | undefined;
  index: number;
  expectKey: boolean;
  elementPending: boolean;
}

/**
 * Maps every key path of a JSON text (`limits.rateLimit.burst`, `credentials.bearerTokens[1]`)
 * to the line its key (or, in an array, its element) starts on. Expects text that JSON.parse
 * accepts; a repeated key keeps its last line, as JSON.parse keeps its last value.
 */
export function indexKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const stack: Frame[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (c === '\n' || c === ' ' || c === '\t' || c === '\r') continue;
    const top = stack.at(-1);
    if (top?.array && top.elementPending && c !== ']') {
      lines.set(`${top.path}[${top.index}]`, line);
      top.elementPending = false;
    }
    if (c === '"') {
      const end = stringEnd(text, i);
      if (top && !top.array && top.expectKey) {
        top.key = JSON.parse(text.slice(i, end + 1)) as string;
        lines.set(joinPath(top.path, top.key), line);
        top.expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      if (top === undefined) lines.set('', line);
      const path = top === undefined ? '' : top.array ? `${top.path}[${top.index}]` : joinPath(top.path, top.key ?? '');
      stack.push({ array: c === '[', path, key: undefined, index: 0, expectKey: c === '{', elementPending: c === '[' });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',' && top) {
      if (top.array) {
        top.index++;
        top.elementPending = true;
      } else {
        top.expectKey = true;
      }
    }
  }
  return lines;
}

/** `limits` + `maxResults` -> `limits.maxResults`; the root is the empty path. */
export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The line of `path`, or of its nearest ancestor that has one (a missing key points at its parent; the root at its `{`). */
export function lineOfPath(lines: ReadonlyMap<string, number>, path: string): number | undefined {
  let current = path;
  while (current !== '') {
    const line = lines.get(current);
    if (line !== undefined) return line;
    const cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
    current = cut === -1 ? '' : current.slice(0, cut);
  }
  return lines.get('');
}

/** The 1-based line of a character offset. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}
