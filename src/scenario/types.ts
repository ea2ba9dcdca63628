/**
 * Scenarios: scripted joiner / mover / leaver lifecycles, loaded from YAML (scenarios/*.yaml)
 * and validated with file:line errors. A scenario is a list of steps; each step selects some
 * synthetic users (a share or a count, among those in a given state) and does one lifecycle
 * operation to each, as a provisioning cycle would.
 */

export type StepKind = 'create' | 'update' | 'rename' | 'deactivate' | 'reactivate' | 'delete' | 'group' | 'reconcile';

/** Which users a step may pick, by their intended state before the step. */
export type Population = 'active' | 'inactive' | 'existing' | 'all';

export interface Selector {
  /** A share of the eligible users, 0..1 (`30%` in YAML). Mutually exclusive with count. */
  share?: number;
  /** Exactly this many of the eligible users (fewer when fewer are eligible). */
  count?: number;
  /** Defaults per step kind: create -> all (not yet created), update/rename/deactivate/group/reconcile -> active, reactivate -> inactive, delete -> existing. */
  of?: Population;
}

/** Attributes an update step may change (a mover). */
export type UpdatableAttribute = 'title' | 'department' | 'manager' | 'email' | 'name';

export interface Step {
  kind: StepKind;
  /** 1-based line of the step in its file, for messages. */
  line: number;
  /** A label for reports; defaults to the kind. */
  name: string;
  selector: Selector;
  /** update: which attributes change (default all). */
  attributes?: UpdatableAttribute[];
  /** rename: a new userName domain, or case-only renames (`Ada.Lovelace@...` -> `ada.lovelace@...`). */
  rename?: { domain?: string; caseOnly?: boolean };
  /** group: how many groups exist, and the share of selected users added to / removed from one. */
  groups?: { count: number; remove?: number };
}

export interface Scenario {
  name: string;
  description: string;
  /** The file it was loaded from, as given. */
  file: string;
  steps: Step[];
}

/** Rates of the awkward cases real directories have; each a share of the population, 0..1. */
export interface AwkwardRates {
  /** Unicode letters and apostrophes in names (José, O'Brien, Łukasz). */
  unicode: number;
  /** Names past 64 characters. */
  longNames: number;
  /** Users that share an email address with another user (allowed: emails are not unique). */
  duplicateEmails: number;
  /** Users with no title, department or phone. */
  missingOptional: number;
}

export const DEFAULT_AWKWARD_RATES: AwkwardRates = { unicode: 0.05, longNames: 0.01, duplicateEmails: 0.01, missingOptional: 0.1 };

/** One synthetic person, as the identity source knows them. Generated on demand from (seed, index). */
export interface SyntheticUser {
  index: number;
  /** The run marker prefix plus the index: no synthetic account can be mistaken for a real one. */
  externalId: string;
  userName: string;
  givenName: string;
  familyName: string;
  displayName: string;
  email: string;
  title?: string;
  department?: string;
  phone?: string;
  /** Index of the manager, when the user has one. */
  managerIndex?: number;
}

/**
 * What a mover gets in an update step: a new value for each changed attribute, each different
 * from the value the user had before the step. Only changed attributes are present: a `name`
 * change sets familyName (a marriage) or givenName (a preferred name), plus displayName.
 */
export interface MoverChange {
  title?: string;
  department?: string;
  managerIndex?: number;
  email?: string;
  givenName?: string;
  familyName?: string;
  displayName?: string;
}
