import type { EnvDiff, ChangeAction } from '../env/diff.js';

export const ACTION_SYMBOL: Record<ChangeAction, string> = { create: '+', update: '~', delete: '-' };

/** `1 to add, 2 to change, 0 to remove`, as terraform plan says it. */
export function summarizeDiff(diff: EnvDiff): string {
  const { create, update, delete: remove } = diff.summary;
  return `${create} to add, ${update} to change, ${remove} to remove`;
}

/** The value transition of one change, e.g. `100 -> 500`, `(unset) -> 25`. */
export function describeTransition(change: EnvDiff['changes'][number]): string {
  if (change.action === 'create') return change.after ?? '';
  if (change.action === 'delete') return change.before ?? '';
  return `${change.before ?? ''} -> ${change.after ?? ''}`;
}
