import { Redactor } from '../../env/redact.js';
import type { ScimSettings } from '../../env/settings.js';
import type { Clock } from '../clock.js';
import type { Dialect, Membership, UserChange, UserFields } from '../dialects.js';
import { effectiveSettings } from '../effective-settings.js';
import type { Random } from '../random.js';
import type { Transport } from '../transport.js';
import { SCHEMA, type JsonObject, type JsonValue, type PatchOperation } from '../types.js';
import { clientCredentials, staticToken, type TokenSource } from './auth.js';
import { ScimHttp, carryThrottles, type HttpOutcome } from './http.js';
import { RatePacer } from './limiter.js';

export interface ClientOptions {
  transport: Transport;
  clock: Clock;
  random: Random;
  dialect: Dialect;
  /** Called for every request sent (retries and token requests included). */
  onSend?: (method: string) => void;
  /**
   * The run marker. With it the client writes (PUT, PATCH, DELETE) only to resources it knows
   * carry the marker: ones it created, or found with the marker in their externalId (users) or
   * displayName (groups). Everything else on the target is refused before it is sent.
   */
  marker?: string;
  /**
   * Embedded mock only: ids of accounts the world held before the run that are this run's own
   * users (a pre-existing population). A match finds and adopts them although they lack the
   * marker; on a live target this is never set, so an account without the marker stays foreign.
   */
  preexisting?: ReadonlySet<string>;
  /** Told before each create is sent and once its id is known (the live journal). */
  journal?: CreateJournal;
  /** Asked before every attempt, after the marker guard (the --max-requests budget). */
  gate?: (method: string, path: string) => { error: string; detail: string } | undefined;
  /** The run's interrupt for waits (see HttpOptions.interrupt). */
  interrupt?: () => AbortSignal | undefined;
}

export interface CreateJournal {
  intent(kind: 'User' | 'Group', name: string, externalId: string | undefined): void;
  created(kind: 'User' | 'Group', id: string, name: string): void;
}

/** An operation's outcome, with the resource id when it produced or found one. */
export interface OpResult {
  outcome: HttpOutcome;
  id?: string | undefined;
  /** The resource a lookup found (`findUser`), as the target shows it. */
  resource?: JsonValue | undefined;
}

/**
 * A provisioning client configured only by the env set (and the identity provider's dialect):
 * every catalog variable has its effect here. Failures come back as outcomes, so one account's
 * failure never stops a run.
 */
export class ScimClient {
  readonly http: ScimHttp;
  readonly #settings: ScimSettings;
  readonly #dialect: Dialect;
  readonly #marker: string | undefined;
  readonly #preexisting: ReadonlySet<string> | undefined;
  readonly #journal: CreateJournal | undefined;
  /** Ids of resources that carry the run marker: the only ones this client may change. */
  readonly #owned = new Set<string>();

  constructor(given: ScimSettings, options: ClientOptions) {
    const settings = effectiveSettings(given, options.dialect);
    this.#settings = settings;
    this.#dialect = options.dialect;
    this.#marker = options.marker;
    this.#preexisting = options.preexisting;
    this.#journal = options.journal;
    const outer = options.gate;
    const tokens: TokenSource =
      settings.auth.mode === 'bearer'
        ? staticToken(settings.auth.token)
        : clientCredentials({ ...settings.auth, transport: options.transport, clock: options.clock, timeoutMs: settings.timeoutMs, ...(options.onSend ? { onSend: options.onSend } : {}) });
    this.http = new ScimHttp({
      baseUrl: settings.baseUrl,
      transport: options.transport,
      clock: options.clock,
      random: options.random,
      timeoutMs: settings.timeoutMs,
      maxRetries: settings.maxRetries,
      tokens,
      pacer: new RatePacer(settings.rateLimitRps, options.clock),
      userAgent: options.dialect.userAgent,
      ...(options.onSend ? { onSend: options.onSend } : {}),
      ...(options.interrupt ? { interrupt: options.interrupt } : {}),
      redactor: redactorFor(settings),
      gate: (method, path) => this.#guard(method, path) ?? outer?.(method, path),
    });
  }

  /**
   * The one guarded place: with a marker, a write goes only to a resource this run owns. Reads
   * and creates pass; so does a create's POST, which carries the marker itself.
   */
  #guard(method: string, path: string): { error: string; detail: string } | undefined {
    if (this.#marker === undefined || method === 'GET' || method === 'POST') return undefined;
    const target = /^\/(Users|Groups)\/([^/?#]+)/.exec(path);
    if (target && this.#owned.has(decodeURIComponent(target[2] as string))) return undefined;
    return { error: 'not-ours', detail: `refused ${method} ${path.split('?')[0]}: it does not carry this run's marker ${this.#marker}` };
  }

  /** Whether a resource as the target shows it carries this run's marker. */
  carriesMarker(resource: JsonValue | undefined): boolean {
    if (this.#marker === undefined || resource === null || typeof resource !== 'object' || Array.isArray(resource)) return false;
    const prefix = `${this.#marker}-`;
    const tag = typeof resource.externalId === 'string' ? resource.externalId : typeof resource.displayName === 'string' ? resource.displayName : '';
    return tag.startsWith(prefix);
  }

  /** Takes ownership of a resource found on the target, when it carries the marker (cleanup). */
  adopt(resource: JsonValue | undefined): string | undefined {
    const id = resourceId(resource);
    if (id === undefined || !this.carriesMarker(resource)) return undefined;
    this.#owned.add(id);
    return id;
  }

  /** Whether this client may write to the resource (it created or adopted it). */
  owns(id: string): boolean {
    return this.#owned.has(id);
  }

  /** Takes over what another client of the same run owns (a cleanup with other settings). */
  inherit(from: ScimClient): void {
    if (from.#marker !== this.#marker) throw new Error('a client can only inherit ownership within one run (a scimsim bug)');
    for (const id of from.#owned) this.#owned.add(id);
  }

  #own(id: string | undefined): string | undefined {
    if (id !== undefined) this.#owned.add(id);
    return id;
  }

  get dialect(): Dialect {
    return this.#dialect;
  }

  /** SCIM_MAX_CONCURRENCY. */
  get concurrency(): number {
    return this.#settings.maxConcurrency;
  }

  /** The page size lists use: the env's, unless the identity provider fixes it (effectiveSettings). */
  get pageSize(): number {
    return this.#settings.pageSize;
  }

  get updateMethod(): 'patch' | 'put' {
    return this.#settings.updateMethod;
  }

  get deactivationMode(): 'patch' | 'put' | 'delete' {
    return this.#settings.deactivationMode;
  }

  /** SCIM_USER_MATCH_ATTRIBUTE. */
  get matchAttribute(): 'userName' | 'externalId' {
    return this.#settings.userMatchAttribute;
  }

  /** Looks a user up by SCIM_USER_MATCH_ATTRIBUTE, as IdPs do before they create. */
  async findUser(user: UserFields): Promise<OpResult> {
    const attribute = this.#settings.userMatchAttribute;
    const value = attribute === 'externalId' ? user.externalId : user.userName;
    const filter = encodeURIComponent(`${attribute} eq "${value.replace(/["\\]/g, '\\$&')}"`);
    const outcome = await this.http.send({ method: 'GET', path: `/Users?filter=${filter}${this.#dialect.lookupQuery}` });
    if (outcome.status === 404 && this.#dialect.lookupNotFoundIsNoMatch) return { outcome: { ...outcome, ok: true } };
    const found = outcome.ok ? firstResource(outcome.body) : undefined;
    if (found === undefined) return { outcome };
    const foundId = resourceId(found);
    const preexisting = foundId !== undefined && this.#preexisting?.has(foundId) === true;
    if (this.#marker !== undefined && !this.carriesMarker(found) && !preexisting) {
      // Someone else's account with this userName: never adopt it, never touch it.
      return { outcome: { ...outcome, ok: false, error: 'foreign-account', detail: `an account with this ${attribute} exists on the target without the run marker; it is left alone` } };
    }
    return { outcome, id: this.#own(resourceId(found)), resource: found };
  }

  /** Match-before-create: an existing account is adopted, otherwise it is created. */
  async createUser(user: UserFields): Promise<OpResult> {
    const found = await this.findUser(user);
    if (!found.outcome.ok || found.id !== undefined) return found;
    return this.postUser(user);
  }

  /** The create itself (POST /Users), journalled first on a live run; `createUser` matches before it. */
  async postUser(user: UserFields): Promise<OpResult> {
    this.#journal?.intent('User', user.userName, user.externalId);
    // Entra sends reference attributes (manager) in a step of their own after the others.
    const managerId = this.#dialect.referencesSeparately ? user.managerId : undefined;
    const body = this.#dialect.createBody(managerId === undefined ? user : { ...user, managerId: undefined });
    const created = await this.#create('User', user.userName, () => this.http.send({ method: 'POST', path: '/Users', body, noRetryWithoutAnswer: true }), () => this.lookupUser(user));
    if (managerId === undefined || !created.outcome.ok || created.id === undefined) return created;
    const manager = await this.#patch(`/Users/${created.id}`, this.#dialect.changeOps({ managerId }));
    if (manager.ok) return created;
    const detail = `the account was created; its manager, sent after it in a PATCH of its own, was refused${manager.detail === undefined ? '' : `: ${manager.detail}`}`;
    return { outcome: carryThrottles(created.outcome, { ...manager, detail, reference: 'manager' }), id: created.id };
  }

  /**
   * Finds a user the run may have created: `eq` on userName, then on externalId (a server may
   * refuse one of them as a filter; `sw` is never needed). `ours` only with the run marker.
   */
  async lookupUser(user: { userName: string; externalId?: string | undefined }): Promise<Lookup> {
    const byName = await this.#lookup('Users', 'userName', user.userName);
    if (byName.kind === 'ours' || byName.kind === 'foreign' || user.externalId === undefined) return byName;
    const byExternalId = await this.#lookup('Users', 'externalId', user.externalId);
    return byExternalId.kind === 'failed' && byName.kind === 'absent' ? byName : byExternalId;
  }

  /** Finds a group by its displayName (`eq`). */
  lookupGroup(displayName: string): Promise<Lookup> {
    return this.#lookup('Groups', 'displayName', displayName);
  }

  async #lookup(endpoint: 'Users' | 'Groups', attribute: string, value: string): Promise<Lookup> {
    const filter = encodeURIComponent(`${attribute} eq "${value.replace(/["\\]/g, '\\$&')}"`);
    const extra = endpoint === 'Groups' ? '&excludedAttributes=members' : '';
    const outcome = await this.http.send({ method: 'GET', path: `/${endpoint}?filter=${filter}${extra}` });
    // Some servers answer a filter that matches nobody with 404 (a known quirk): still nobody.
    if (outcome.status === 404) return { kind: 'absent', outcome };
    if (!outcome.ok || outcome.body === null || typeof outcome.body !== 'object' || Array.isArray(outcome.body)) return { kind: 'failed', outcome };
    const resources = Array.isArray(outcome.body.Resources) ? outcome.body.Resources : [];
    const mine = resources.find((r) => this.carriesMarker(r));
    if (mine !== undefined) return { kind: 'ours', outcome, id: this.adopt(mine) as string, resource: mine };
    const other = resources.find((r) => resourceId(r) !== undefined);
    return other === undefined ? { kind: 'absent', outcome } : { kind: 'foreign', outcome, id: resourceId(other) as string };
  }

  /**
   * A create whose reply may not say what happened. A reply carrying a resource without the run
   * marker is a foreign account (a server that upserts answers a duplicate POST with the existing
   * account): never owned, never changed. A lost reply (timeout, reset) or an unreadable one
   * (HTML, broken JSON) is resolved by a lookup before any retry, so a create the server did
   * perform is adopted rather than sent again into a 409 uniqueness; a 409 after a lost reply is
   * looked up the same way, and when the account found is not ours the lost reply is the cause.
   */
  async #create(kind: 'User' | 'Group', name: string, post: () => Promise<HttpOutcome>, lookup: () => Promise<Lookup>): Promise<OpResult> {
    let lost: HttpOutcome | undefined;
    let attempts = 0;
    for (let round = 0; ; round++) {
      const outcome = await post();
      attempts += outcome.attempts;
      const replyId = outcome.ok ? resourceId(outcome.body) : undefined;
      if (replyId !== undefined) {
        if (this.#marker !== undefined && !this.carriesMarker(outcome.body)) {
          return { outcome: { ...outcome, ok: false, error: 'foreign-account', detail: `the server answered the create with an existing ${kind === 'User' ? 'account' : 'group'} (${outcome.status}, id ${replyId}) that does not carry the run marker, as a server that upserts does; scimsim leaves it alone` } };
        }
        this.#own(replyId);
        this.#journal?.created(kind, replyId, name);
        return { outcome: { ...outcome, attempts }, id: replyId };
      }
      const unanswered = outcome.error !== undefined || outcome.ok;
      // A 409 after an attempt that got no usable answer (or a 5xx the server may have acted on
      // anyway) may be our own create: it is looked up like a lost reply.
      const conflictAfterRetry = outcome.status === 409 && (lost !== undefined || outcome.attempts > 1);
      if (!unanswered && !conflictAfterRetry) return { outcome: lost === undefined ? { ...outcome, attempts } : blame(lost, `then ${describe(outcome)}`, attempts) };
      if (unanswered) lost ??= outcome.ok ? { ...outcome, ok: false, error: 'unreadable-reply', detail: `the server answered ${outcome.status} with a body that is not a SCIM resource` } : outcome;
      const found = await lookup();
      if (found.kind === 'ours') {
        this.#journal?.created(kind, found.id, name);
        return { outcome: { ...found.outcome, ok: true, status: 201, attempts }, id: found.id };
      }
      if (lost === undefined) return { outcome: { ...outcome, attempts } };
      const cause = lost;
      if (found.kind === 'foreign') return { outcome: blame(cause, `the ${kind === 'User' ? 'account' : 'group'} found by lookup (${found.id}) does not carry the run marker`, attempts) };
      if (found.kind === 'failed') return { outcome: blame(cause, `the lookup that would find it failed (${describe(found.outcome)})`, attempts) };
      if (round >= this.#settings.maxRetries) return { outcome: blame(cause, `nothing was found after ${round + 1} tries`, attempts) };
      await this.http.backoff(round + 1);
    }
  }

  /** A mover's changes, by PATCH or as GET then PUT (SCIM_UPDATE_METHOD, unless the dialect fixes it). */
  async updateUser(id: string, change: UserChange): Promise<OpResult> {
    if (this.updateMethod === 'patch') {
      const { managerId, ...rest } = change;
      if (!this.#dialect.referencesSeparately || managerId === undefined) return { outcome: await this.#patch(`/Users/${id}`, this.#dialect.changeOps(change)) };
      if (Object.keys(rest).length === 0) {
        // Only the manager changes: its PATCH is the reference step alone.
        const manager = await this.#patch(`/Users/${id}`, this.#dialect.changeOps({ managerId }));
        return { outcome: manager.ok ? manager : { ...manager, reference: 'manager' } };
      }
      // The manager in its own PATCH after the others: a server refusing its shape fails the
      // link only, and the other attributes are applied, as they are under Entra.
      const others = await this.#patch(`/Users/${id}`, this.#dialect.changeOps(rest));
      const manager = await this.#patch(`/Users/${id}`, this.#dialect.changeOps({ managerId }));
      if (!others.ok) return { outcome: others };
      if (manager.ok) return { outcome: carryThrottles(others, manager) };
      const detail = `the other attributes were applied; the manager, sent after them in a PATCH of its own, was refused${manager.detail === undefined ? '' : `: ${manager.detail}`}`;
      return { outcome: carryThrottles(others, { ...manager, detail, reference: 'manager' }) };
    }
    return { outcome: await this.#getThenPut('Users', id, (resource) => applyChange(resource, change)) };
  }

  /**
   * Leavers and rehires, per SCIM_DEACTIVATION_MODE. A leaver in `delete` mode is removed; a
   * rehire of a removed account is a create, which the caller does.
   */
  async setActive(id: string, active: boolean): Promise<OpResult> {
    const mode = this.deactivationMode;
    if (!active && mode === 'delete') return { outcome: await this.http.send({ method: 'DELETE', path: `/Users/${id}` }) };
    if (mode === 'put') return { outcome: await this.#getThenPut('Users', id, (resource) => ({ ...resource, active })) };
    return { outcome: await this.#patch(`/Users/${id}`, this.#dialect.activeOps(active)) };
  }

  /** Removes an account; Entra disables it first, Okta never deletes and only deactivates. */
  async deleteUser(id: string): Promise<OpResult> {
    if (!this.#dialect.deletesUsers) return this.setActive(id, false);
    // Separate events: the delete is sent whether or not the disable was applied.
    const disabled = this.#dialect.disableBeforeDelete ? await this.#patch(`/Users/${id}`, this.#dialect.activeOps(false)) : undefined;
    const deleted = await this.http.send({ method: 'DELETE', path: `/Users/${id}` });
    return { outcome: disabled === undefined ? deleted : carryThrottles(disabled, deleted) };
  }

  /** Finds a group by displayName, creating it when missing. */
  async ensureGroup(displayName: string): Promise<OpResult> {
    const filter = encodeURIComponent(`displayName eq "${displayName}"`);
    const found = await this.http.send({ method: 'GET', path: `/Groups?excludedAttributes=members&filter=${filter}` });
    if (!found.ok) return { outcome: found };
    const existing = firstResource(found.body);
    if (existing !== undefined) {
      if (this.#marker !== undefined && !this.carriesMarker(existing)) return { outcome: { ...found, ok: false, error: 'foreign-account', detail: `a group named ${displayName} exists without the run marker` } };
      return { outcome: found, id: this.#own(resourceId(existing)) };
    }
    this.#journal?.intent('Group', displayName, undefined);
    const body = this.#dialect.groupBody(displayName);
    return this.#create('Group', displayName, () => this.http.send({ method: 'POST', path: '/Groups', body, noRetryWithoutAnswer: true }), () => this.lookupGroup(displayName));
  }

  /** Adds a member to a group or removes it, by PATCH or (Okta AIW) as GET then PUT of the group. */
  async changeMembership(kind: 'add' | 'remove', membership: Membership): Promise<OpResult> {
    const { groupId, userId } = membership;
    if (this.#dialect.membership === 'patch') return { outcome: await this.#patch(`/Groups/${groupId}${this.#dialect.memberPatchQuery}`, this.#dialect.memberOps(kind, membership)) };
    return {
      outcome: await this.#getThenPut('Groups', groupId, (group) => {
        const members = (Array.isArray(group.members) ? group.members : []).filter((m) => !isObject(m) || m.value !== userId);
        return { ...group, members: kind === 'add' ? [...members, this.#dialect.member(membership)] : members };
      }),
    };
  }

  /** One page of users (RFC 7644 section 3.4.2.4); `filter` narrows it, e.g. to the run marker. */
  async listUsers(startIndex: number, count: number, filter?: string): Promise<HttpOutcome> {
    const query = filter === undefined ? '' : `&filter=${encodeURIComponent(filter)}`;
    return this.http.send({ method: 'GET', path: `/Users?startIndex=${startIndex}&count=${count}${query}` });
  }

  async getUser(id: string): Promise<HttpOutcome> {
    return this.http.send({ method: 'GET', path: `/Users/${id}` });
  }

  /** A group with its members, as read-back verifies memberships. */
  async getGroup(id: string): Promise<HttpOutcome> {
    return this.http.send({ method: 'GET', path: `/Groups/${id}` });
  }

  #patch(path: string, operations: PatchOperation[]): Promise<HttpOutcome> {
    // The client acts on a PATCH's status; the resource a server may echo back goes unread.
    return this.http.send({ method: 'PATCH', path, body: { schemas: [SCHEMA.patchOp], Operations: operations as unknown as JsonValue[] }, ignoreBody: true });
  }

  async #getThenPut(endpoint: 'Users' | 'Groups', id: string, change: (resource: JsonObject) => JsonObject): Promise<HttpOutcome> {
    const current = await this.http.send({ method: 'GET', path: `/${endpoint}/${id}` });
    if (!current.ok || current.body === null || typeof current.body !== 'object' || Array.isArray(current.body)) return current;
    // Okta's PUT sends back the read-only `groups` and `meta` it read ("SCIM 2.0 protocol reference").
    const { meta: _meta, groups: _groups, ...rest } = current.body;
    const resource = this.#dialect.putKeepsReadOnly ? current.body : rest;
    const headers = typeof current.headers.etag === 'string' ? { 'if-match': current.headers.etag } : undefined;
    return carryThrottles(current, await this.http.send({ method: 'PUT', path: `/${endpoint}/${id}`, body: change(resource), ...(headers ? { headers } : {}) }));
  }
}

/** What a lookup found: this run's resource (now owned), someone else's, nothing, or no answer. */
export type Lookup =
  | { kind: 'ours'; outcome: HttpOutcome; id: string; resource: JsonValue }
  | { kind: 'foreign'; outcome: HttpOutcome; id: string }
  | { kind: 'absent'; outcome: HttpOutcome }
  | { kind: 'failed'; outcome: HttpOutcome };

/**
 * A create that failed after its reply was lost: the lost reply is the cause (a timeout, a
 * reset), whatever the later answer was, which is kept as the detail.
 */
function blame(lost: HttpOutcome, then: string, attempts: number): HttpOutcome {
  return { ...lost, ok: false, attempts, detail: `the create's reply was lost (${describe(lost)}); ${then}` };
}

function describe(outcome: HttpOutcome): string {
  return outcome.error ?? `${outcome.status}${outcome.scimType ? ` ${outcome.scimType}` : ''}`;
}

function resourceId(body: JsonValue | undefined): string | undefined {
  return body !== null && typeof body === 'object' && !Array.isArray(body) && typeof body.id === 'string' ? body.id : undefined;
}

function firstResource(body: JsonValue | undefined): JsonValue | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(body.Resources)) return undefined;
  return body.Resources[0];
}

/** The same change a PATCH would make, applied to a full resource for PUT. */
function applyChange(resource: JsonObject, change: UserChange): JsonObject {
  const next: JsonObject = { ...resource };
  const ext = SCHEMA.enterpriseUser;
  const name = isObject(next.name) ? { ...next.name } : {};
  if (change.userName !== undefined) next.userName = change.userName;
  if (change.givenName !== undefined) name.givenName = change.givenName;
  if (change.familyName !== undefined) name.familyName = change.familyName;
  next.name = name;
  if (change.displayName !== undefined) next.displayName = change.displayName;
  if (change.title !== undefined) next.title = change.title;
  if (change.email !== undefined) {
    const emails = Array.isArray(next.emails) ? next.emails.filter(isObject) : [];
    const work = emails.find((e) => e.type === 'work');
    next.emails = work ? emails.map((e) => (e === work ? { ...e, value: change.email ?? '' } : e)) : [...emails, { value: change.email, type: 'work', primary: true }];
  }
  if (change.department !== undefined || change.managerId !== undefined) {
    const enterprise = isObject(next[ext]) ? { ...next[ext] } : {};
    if (change.department !== undefined) enterprise.department = change.department;
    if (change.managerId !== undefined) enterprise.manager = { value: change.managerId };
    next[ext] = enterprise;
    const schemas = Array.isArray(next.schemas) ? next.schemas : [SCHEMA.user];
    if (!schemas.includes(ext)) next.schemas = [...schemas, ext];
  }
  return next;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

function redactorFor(settings: ScimSettings): Redactor {
  const redactor = new Redactor();
  redactor.addSettings(settings);
  return redactor;
}
