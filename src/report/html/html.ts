/**
 * HTML built by construction: the `html` template tag escapes every value it is given unless the
 * value is itself HTML built this way, so text from a report (a userName, a server's error detail,
 * an env file label) can only ever land as text.
 */
export class SafeHtml {
  readonly value: string;

  constructor(value: string) {
    this.value = value;
  }

  toString(): string {
    return this.value;
  }
}

/** What a template may hold: text (escaped), numbers, built HTML, lists of them, and nothing. */
export type HtmlValue = SafeHtml | string | number | undefined | null | false | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or an attribute value (quoted either way). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'number') return String(value);
  return escapeHtml(value as string);
}

/** The template tag: the literal parts are the page's own markup, every value is escaped. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Several pieces of HTML, one after the other. */
export function join(parts: readonly HtmlValue[], separator: HtmlValue = ''): SafeHtml {
  return new SafeHtml(parts.map(render).join(render(separator)));
}

/** A whole number the way the other reports print it: `1,234`. */
export function n(value: number): string {
  return value.toLocaleString('en-US');
}

/** One cell of a table row: text or HTML, right-aligned when it is a figure. */
export interface Cell {
  content: HtmlValue;
  numeric?: boolean;
  className?: string;
}

/** A real table (readable without scripts and by a screen reader); `numeric` columns align right. */
export function table(options: { id: string; caption?: string; head: readonly string[]; numeric?: readonly number[]; rows: ReadonlyArray<ReadonlyArray<HtmlValue | Cell>> }): SafeHtml {
  const numeric = new Set(options.numeric ?? []);
  const cell = (value: HtmlValue | Cell, i: number, tag: 'td' | 'th'): SafeHtml => {
    const c: Cell = isCell(value) ? value : { content: value };
    const classes = [numeric.has(i) || c.numeric ? 'num' : '', c.className ?? ''].filter((x) => x !== '').join(' ');
    return tag === 'th' ? html`<th scope="row"${classes ? html` class="${classes}"` : ''}>${c.content}</th>` : html`<td${classes ? html` class="${classes}"` : ''}>${c.content}</td>`;
  };
  return html`<table data-table="${options.id}">${options.caption ? html`<caption>${options.caption}</caption>` : ''}
<thead><tr>${options.head.map((h, i) => html`<th scope="col"${numeric.has(i) ? html` class="num"` : ''}>${h}</th>`)}</tr></thead>
<tbody>
${options.rows.map((row) => html`<tr>${row.map((value, i) => cell(value, i, i === 0 ? 'th' : 'td'))}</tr>\n`)}</tbody>
</table>`;
}

function isCell(value: HtmlValue | Cell): value is Cell {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof SafeHtml) && 'content' in value;
}

/** The verdict banner at the top of every report: a mark and a sentence, coloured by outcome. */
export function verdict(kind: 'ok' | 'warn' | 'fail', text: string): SafeHtml {
  const mark = kind === 'ok' ? '✔' : kind === 'warn' ? '⚠' : '✖';
  return html`<p class="verdict ${kind}" data-verdict="${kind}"><span class="mark" aria-hidden="true">${mark}</span> ${text}</p>`;
}

/** `term: value` pairs of a report's header. */
export function facts(pairs: ReadonlyArray<readonly [string, HtmlValue]>): SafeHtml {
  return html`<dl class="facts">${pairs.map(([term, value]) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`)}</dl>`;
}

/** Inline code, for variable names, labels and values. */
export function code(text: string): SafeHtml {
  return html`<code>${text}</code>`;
}

/**
 * Inline code that may break before an `@`: a userName in a table cell, long and without spaces,
 * would otherwise widen the table past the page (a browser sizes a column by its longest word).
 * Breaking anywhere instead lets the table squeeze the column to a few characters a line.
 */
export function breakableCode(text: string): SafeHtml {
  return html`<code>${join(text.split(/(?=@)/), html`<wbr>`)}</code>`;
}

const STYLE = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--ok:#1a7f37;--warn:#9a6700;--fail:#cf222e}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:980px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:1.5em;margin:0 0 8px}
h2{font-size:1.2em;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:1em;margin:20px 0 6px}
code{font:0.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);padding:1px 4px;border-radius:4px;overflow-wrap:break-word}
.verdict{font-size:1.15em;font-weight:600;padding:10px 14px;border-radius:6px;border:1px solid var(--line);border-left-width:6px}
.verdict.ok{border-left-color:var(--ok)}.verdict.ok .mark{color:var(--ok)}
.verdict.warn{border-left-color:var(--warn)}.verdict.warn .mark{color:var(--warn)}
.verdict.fail{border-left-color:var(--fail)}.verdict.fail .mark{color:var(--fail)}
.facts{display:flex;flex-wrap:wrap;gap:4px 24px;margin:8px 0}
.facts div{display:flex;gap:6px}.facts dt{color:var(--muted)}.facts dd{margin:0}
table{border-collapse:collapse;margin:8px 0 16px;font-size:0.93em}
caption{text-align:left;color:var(--muted);padding:4px 0}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:var(--soft)}
tbody th{font-weight:normal}
.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:var(--ok);font-weight:600}.fail{color:var(--fail);font-weight:600}
.note{color:var(--muted)}
.warning{color:var(--warn)}
figure{margin:16px 0}
figcaption{font-weight:600;margin-bottom:4px}
svg{max-width:100%;height:auto;font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
svg .label{font:11px ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace}svg .reference line{stroke:#cf222e;stroke-width:1.5;stroke-dasharray:2 3}svg .reference text{fill:#cf222e;stroke:#fff;stroke-width:3px;paint-order:stroke;font-weight:600}svg .axis{stroke:#59636e}svg .grid{stroke:#e6eaef}svg text{fill:#1f2328}svg .muted{fill:#59636e}
details{margin:8px 0}summary{cursor:pointer}
footer{margin-top:32px;color:var(--muted);font-size:0.9em}
`;

/**
 * A whole report page: one file, no script, no request of any kind (the Content-Security-Policy
 * says so too, so even a value that slipped past the escaping could not run or fetch anything).
 */
export function page(title: string, body: SafeHtml): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="scimsim">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body.value}
</main>
</body>
</html>
`;
}
