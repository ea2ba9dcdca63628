/**
 * The connector contract: what scimsim hands a team's own provisioning code (events or desired
 * states), and what a connector run reports back besides the ledger.
 */

/** Which contract the team's code implements, and where it is. */
export type ConnectorSpec =
  /**
   * A Node module: an event connector exports `handle(event)` (optionally `setup()` and
   * `teardown()`), a sync connector exports `sync(desiredState)`; which one is read from its exports.
   * Event connectors get up to `concurrency` events of a step at once.
   */
  | { kind: 'node'; module: string; concurrency: number }
  /** Any program: events as JSON lines on stdin, one acknowledgement line per event on stdout. */
  | { kind: 'command'; command: string; cwd: string };

/** The contract a connector turned out to implement. */
export type ConnectorKind = 'event' | 'sync' | 'command';

/** One synthetic person as the identity source (an HR system, a directory) holds them. */
export interface SourceRecord {
  /** Unique and stable: the run marker plus the account's index. */
  externalId: string;
  userName: string;
  givenName: string;
  familyName: string;
  displayName: string;
  email: string;
  title?: string;
  department?: string;
  phone?: string;
  /** The manager's externalId, when the person has one. */
  managerExternalId?: string;
  active: boolean;
}

export type ConnectorEventType = 'create' | 'update' | 'deactivate' | 'reactivate' | 'delete' | 'group-add' | 'group-remove';

/** One change of the source, as a webhook would deliver it. */
export interface ConnectorEvent {
  /** Unique within the run, e.g. `3:update:17` (step 3, account 17). */
  id: string;
  type: ConnectorEventType;
  /** The scenario step that made the change. */
  step: { index: number; name: string };
  /** The person after the change. */
  user: SourceRecord;
  /** update: the attributes that changed, with their new values. */
  changes?: Partial<Pick<SourceRecord, 'userName' | 'givenName' | 'familyName' | 'displayName' | 'email' | 'title' | 'department' | 'managerExternalId'>>;
  /** group-add / group-remove: the group, by its displayName. */
  group?: { displayName: string };
}

/** The whole directory the source wants on the target after a step (a full sync's input). */
export interface DesiredState {
  step: { index: number; name: string };
  /** Every person that should exist on the target, active or not. */
  users: SourceRecord[];
  /** Every group of the run, with its members' externalIds. */
  groups: Array<{ displayName: string; members: string[] }>;
}

/** A request the connector sent somewhere the env set does not point: refused, never answered. */
export interface RefusedRequest {
  method: string;
  host: string;
  path: string;
  count: number;
}

/** What a run through a connector reports beside its ledger. */
export interface ConnectorSummary {
  kind: ConnectorKind;
  /** The module or command as given. */
  name: string;
  /** Requests outside the env set's SCIM origin and token URL, refused with a network error. */
  refused: RefusedRequest[];
  /** Errors the connector threw or printed that no account could be named for (redacted), at most a few. */
  unattributed: string[];
}
