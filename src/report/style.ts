import picocolors from 'picocolors';

/** The few styles reports use; a no-op set when colour is off. */
export type Colors = Pick<ReturnType<typeof picocolors.createColors>, 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan'>;

/** Colours on or off; the CLI decides (TTY, NO_COLOR, FORCE_COLOR), reports only apply them. */
export function createColors(enabled: boolean): Colors {
  return picocolors.createColors(enabled);
}

/** Formats `file:line` for tables; `default` and missing sources read as words. */
export function formatSource(source: { file: string; line?: number } | 'default' | undefined): string {
  if (source === undefined) return '(not set)';
  if (source === 'default') return 'default';
  return source.line === undefined ? source.file : `${source.file}:${source.line}`;
}

/** Shortens long values for table cells; secrets are already fingerprints by then. */
export function truncate(text: string, max = 60): string {
  const oneLine = text.replace(/\r?\n/g, '\\n');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** "1 error", "2 errors", "1,500 accounts". */
export function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * A count with thousands separators. Below 1,000 the digits are the same, and skipping
 * toLocaleString there spares a quick command (check) loading the ICU number formats.
 */
export function formatCount(count: number): string {
  return Number.isInteger(count) && Math.abs(count) < 1000 ? String(count) : count.toLocaleString('en-US');
}

/** cli-table3 border characters without a rule between body rows: long tables stay readable. */
export const COMPACT_ROWS = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
