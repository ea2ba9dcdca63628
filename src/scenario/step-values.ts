import { isNode, isSeq, type Node } from 'yaml';
import type { Population, UpdatableAttribute } from './types.js';
import { describeNode, scalarOf, suggestion, type Problems } from './yaml-problems.js';

/** The states a step can pick users from (Population). */
export const POPULATIONS: readonly Population[] = ['active', 'inactive', 'existing', 'all'];

/** The attributes an update step can change (UpdatableAttribute). */
export const UPDATABLE_ATTRIBUTES: readonly UpdatableAttribute[] = ['title', 'department', 'manager', 'email', 'name'];

/** At most this many groups: enough for churn, few enough that a group's members stay a real list. */
export const MAX_GROUPS = 32;

/** Reads the value of one option; undefined (with a problem recorded) when it is not valid. `what` names it in messages. */
export type ValueCheck<T> = (node: Node | null, what: string, problems: Problems) => T | undefined;

const PERCENT = /^\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*%\s*$/;

/** True when a string is written as a percentage, so the short form `update: 30%` can tell it from a typo. */
export function isPercent(value: unknown): value is string {
  return typeof value === 'string' && PERCENT.test(value);
}

/** A share of users: `30%` or a fraction `0.3`, within 0..100%. */
export const readShare: ValueCheck<number> = (node, what, problems) => {
  const value = scalarOf(node);
  const hint = 'a share is a percentage of the eligible users: 30% or 0.3';
  if (typeof value === 'number') {
    if (value >= 0 && value <= 1) return value;
    if (value > 1 && value <= 100) return problems.add(node, `${what} must be between 0% and 100%, got ${value}`, `write ${value}% for ${value} percent, or ${value / 100} as a fraction`);
    return problems.add(node, `${what} must be between 0% and 100%, got ${value}`, hint);
  }
  const match = typeof value === 'string' ? PERCENT.exec(value) : null;
  if (match === null) return problems.add(node, `${what} must be a percentage like 30% or a fraction like 0.3, got ${describeNode(node)}`, hint);
  const percent = Number(match[1]);
  if (percent < 0 || percent > 100) return problems.add(node, `${what} must be between 0% and 100%, got ${describeNode(node)}`, hint);
  return percent / 100;
};

/** An exact number of users: a whole number, 0 or more. */
export const readCount: ValueCheck<number> = (node, what, problems) => {
  const value = scalarOf(node);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (isPercent(value)) return problems.add(node, `${what} must be a whole number, got ${describeNode(node)}`, 'write a percentage as share: instead');
  if (typeof value === 'number' && value > 0 && value < 1) {
    return problems.add(node, `${what} must be a whole number of users, got ${value}`, `for a share of the users write ${Math.round(value * 1000) / 10}%`);
  }
  const quoted = typeof value === 'string' && /^\s*\d+\s*$/.test(value);
  return problems.add(node, `${what} must be a whole number of users, 0 or more, got ${describeNode(node)}`, quoted ? `write ${value.trim()} without quotes` : undefined);
};

/** Which users a step may pick, one of POPULATIONS. */
export const readPopulation: ValueCheck<Population> = (node, what, problems) => {
  const value = scalarOf(node);
  const known = POPULATIONS.find((p) => p === value);
  if (known !== undefined) return known;
  const hint = typeof value === 'string' ? suggestion(value, POPULATIONS, 'population') : `one of ${POPULATIONS.join(', ')}`;
  return problems.add(node, `${what} must be one of ${POPULATIONS.join(', ')}, got ${describeNode(node)}`, hint);
};

/** A non-empty string, such as a step name. */
export const readText: ValueCheck<string> = (node, what, problems) => {
  const value = scalarOf(node);
  if (typeof value === 'string' && value.trim() !== '') return value;
  return problems.add(node, `${what} must be non-empty text, got ${describeNode(node)}`);
};

/** true or false, written as YAML booleans (not "yes" or quoted strings). */
export const readBoolean: ValueCheck<boolean> = (node, what, problems) => {
  const value = scalarOf(node);
  if (typeof value === 'boolean') return value;
  return problems.add(node, `${what} must be true or false, got ${describeNode(node)}`);
};

/** A number of groups, 1 to MAX_GROUPS. */
export const readGroupCount: ValueCheck<number> = (node, what, problems) => {
  const value = scalarOf(node);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_GROUPS) return value;
  return problems.add(node, `${what} must be a whole number from 1 to ${MAX_GROUPS}, got ${describeNode(node)}`, 'the number of groups the selected users are spread over');
};

// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens, 253 characters at most.
const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/i;

/** A bare domain for userNames, such as `newco.example`. */
export const readDomain: ValueCheck<string> = (node, what, problems) => {
  const value = scalarOf(node);
  if (typeof value === 'string' && HOSTNAME.test(value)) return value;
  const bare = typeof value === 'string' && value.startsWith('@') && HOSTNAME.test(value.slice(1));
  const hint = bare ? `write ${value.slice(1)} without the @` : 'a host name such as newco.example: letters, digits, hyphens and dots';
  return problems.add(node, `${what} must be a domain name, got ${describeNode(node)}`, hint);
};

/** The attributes an update changes: a list of UPDATABLE_ATTRIBUTES, each once. */
export const readAttributes: ValueCheck<UpdatableAttribute[]> = (node, what, problems) => {
  if (!isSeq(node)) {
    return problems.add(node, `${what} must be a list such as [title, department], got ${describeNode(node)}`, `known attributes: ${UPDATABLE_ATTRIBUTES.join(', ')}`);
  }
  if (node.items.length === 0) return problems.add(node, `${what} is empty`, `list at least one of ${UPDATABLE_ATTRIBUTES.join(', ')}, or leave attributes out to change all of them`);
  const before = problems.count;
  const out: UpdatableAttribute[] = [];
  for (const raw of node.items) {
    const item = problems.resolve(isNode(raw) ? raw : null);
    const value = scalarOf(item);
    const known = UPDATABLE_ATTRIBUTES.find((a) => a === value);
    if (known === undefined) {
      const hint = typeof value === 'string' ? suggestion(value, UPDATABLE_ATTRIBUTES, 'attribute') : `known attributes: ${UPDATABLE_ATTRIBUTES.join(', ')}`;
      problems.add(item ?? node, `${what}: unknown attribute ${describeNode(item)}`, hint);
    } else if (out.includes(known)) {
      problems.add(item, `${what}: "${known}" is listed twice`, 'list each attribute once');
    } else {
      out.push(known);
    }
  }
  return problems.count === before ? out : undefined;
};
