import { createRandom, type Random } from '../../scim/random.js';
import { FNV_OFFSET, finalize32, fnv1a } from './hash.js';
import type { JsonObject, JsonValue } from '../../scim/types.js';

export type ResourceKind = 'User' | 'Group';

/**
 * A stored resource with the bookkeeping the provider needs. A User's data is kept as its JSON
 * text and parsed when read: at 100k accounts that is a quarter of the memory of the object
 * tree, and every read gets its own copy, so no caller can change the store by accident.
 * Groups stay objects: a group of 50,000 members is patched member by member, and parsing it
 * for each PATCH would be quadratic.
 */
export class StoredResource {
  readonly id: string;
  readonly kind: ResourceKind;
  created: number;
  lastModified: number;
  version: number;
  /** The userName key and externalId it is indexed under, so unindexing never re-reads data. */
  indexed: { userName?: string; externalId?: string } = {};
  /** Whether render may splice `text` into a reply (renderUserText): checked once per write. */
  spliceable: boolean | undefined = undefined;
  /** A Group's entry in its members' `groups`, as rendered for `root` (render.ts); reset on a rename. */
  refText: { root: string; text: string } | undefined = undefined;
  #json: string | undefined;
  #object: JsonObject | undefined;

  constructor(id: string, kind: ResourceKind, data: JsonObject, now: number, version: number) {
    this.id = id;
    this.kind = kind;
    this.created = now;
    this.lastModified = now;
    this.version = version;
    this.data = data;
  }

  /** A User's stored JSON text (undefined for a Group), for replies that need no parsing. */
  get text(): string | undefined {
    return this.#json;
  }

  /** The resource as stored, without `meta` and without the derived `groups` of a User. */
  get data(): JsonObject {
    return this.#object ?? (JSON.parse(this.#json as string) as JsonObject);
  }

  set data(value: JsonObject) {
    this.spliceable = undefined;
    // A Group's entry in its members' `groups` names it by displayName: only a rename changes it.
    if (this.#object?.displayName !== value.displayName) this.refText = undefined;
    if (this.kind === 'User') {
      this.#json = JSON.stringify(value);
      this.#object = undefined;
    } else {
      this.#object = value;
    }
  }
}

/**
 * The provider's in-memory directory. Indexes `id`, lower-cased `userName` and `externalId` so
 * that `eq` lookups and match-before-create stay O(1) at 100k accounts; keeps creation order
 * so lists are stable across pages; keeps group membership both ways so a User's `groups`
 * is derived, never stored twice.
 */
export class ScimStore {
  readonly #resources: Record<ResourceKind, Map<string, StoredResource>> = { User: new Map(), Group: new Map() };
  readonly #userNames = new Map<string, string>();
  readonly #externalIds: Record<ResourceKind, Map<string, string>> = { User: new Map(), Group: new Map() };
  /** userId -> groupIds */
  readonly #memberOf = new Map<string, Set<string>>();
  readonly #idRandom: Random;
  #versionCounter = 0;
  /** Bumped on every write, so list caches know when they are stale. */
  generation = 0;
  /**
   * Creation order per kind. Inserts append in place; a delete marks the cache stale and the
   * next `all()` rebuilds it once, so match-before-create at 100k accounts never copies the map.
   */
  readonly #ordered: Record<ResourceKind, { stale: boolean; list: StoredResource[] }> = {
    User: { stale: false, list: [] },
    Group: { stale: false, list: [] },
  };

  readonly #idSeed: number;

  /** With the caseSensitiveUserName quirk, `Alice` and `alice` are different accounts. */
  readonly #caseSensitiveUserNames: boolean;

  constructor(seed: string | number, options: { caseSensitiveUserNames?: boolean } = {}) {
    this.#idRandom = createRandom(`ids:${seed}`);
    this.#idSeed = hash32(`ids:${seed}`, FNV_OFFSET);
    this.#caseSensitiveUserNames = options.caseSensitiveUserNames ?? false;
  }

  #userNameKey(userName: string): string {
    return this.#caseSensitiveUserNames ? userName : userName.toLowerCase();
  }

  /**
   * A deterministic UUID-shaped id (version 4 layout). With a `name` (the resource's externalId,
   * userName or displayName) it is derived from the name and the seed, so a resource gets the
   * same id whatever order the creates arrive in: two replays that differ in concurrency then
   * send the same requests for the same account. Without one, or when that id is taken, it is
   * drawn from the seeded sfc32 generator (the same ids in the same order).
   */
  nextId(kind?: ResourceKind, name?: string): string {
    if (kind !== undefined && name !== undefined) {
      const h = hash32(name, this.#idSeed);
      const id = uuidOf(h, hash32(name, h ^ 0x9e3779b9), hash32(name, h ^ 0x85ebca6b), hash32(name, h ^ 0xc2b2ae35));
      if (!this.#resources[kind].has(id)) return id;
    }
    const r = this.#idRandom;
    return uuidOf((r.next() * 4294967296) >>> 0, (r.next() * 4294967296) >>> 0, (r.next() * 4294967296) >>> 0, (r.next() * 4294967296) >>> 0);
  }

  get(kind: ResourceKind, id: string): StoredResource | undefined {
    return this.#resources[kind].get(id);
  }

  count(kind: ResourceKind): number {
    return this.#resources[kind].size;
  }

  /** Every resource of a kind, in creation order. Cached between writes. */
  all(kind: ResourceKind): readonly StoredResource[] {
    const cache = this.#ordered[kind];
    if (cache.stale) {
      cache.list = [...this.#resources[kind].values()];
      cache.stale = false;
    }
    return cache.list;
  }

  /** The User with this userName: compared case-insensitively (RFC 7643 caseExact false) unless the store was built case-sensitive. */
  findUserByUserName(userName: string): StoredResource | undefined {
    const id = this.#userNames.get(this.#userNameKey(userName));
    return id === undefined ? undefined : this.#resources.User.get(id);
  }

  findByExternalId(kind: ResourceKind, externalId: string): StoredResource | undefined {
    const id = this.#externalIds[kind].get(externalId);
    return id === undefined ? undefined : this.#resources[kind].get(id);
  }

  /** Stores a new resource; the caller has checked uniqueness. */
  insert(kind: ResourceKind, id: string, data: JsonObject, now: number): StoredResource {
    const resource = new StoredResource(id, kind, data, now, ++this.#versionCounter);
    this.#resources[kind].set(id, resource);
    const cache = this.#ordered[kind];
    if (!cache.stale) cache.list.push(resource);
    this.#index(resource, data);
    this.generation++;
    return resource;
  }

  /** Replaces a resource's data, keeping id, creation time and position. */
  update(resource: StoredResource, data: JsonObject, now: number): StoredResource {
    this.#unindex(resource);
    resource.data = data;
    resource.lastModified = now;
    resource.version = ++this.#versionCounter;
    this.#index(resource, data);
    this.generation++;
    return resource;
  }

  delete(resource: StoredResource): void {
    this.#unindex(resource);
    this.#resources[resource.kind].delete(resource.id);
    this.#ordered[resource.kind].stale = true;
    if (resource.kind === 'User') {
      // A deleted user leaves every group it was in (RFC 7644 section 3.6).
      for (const groupId of this.#memberOf.get(resource.id) ?? []) {
        const group = this.#resources.Group.get(groupId);
        if (!group) continue;
        const members = Array.isArray(group.data.members) ? group.data.members : [];
        group.data = { ...group.data, members: members.filter((m) => memberValue(m) !== resource.id) };
        group.version = ++this.#versionCounter;
      }
      this.#memberOf.delete(resource.id);
    }
    this.generation++;
  }

  /** Whether `value` is a direct member of the group. */
  isMember(groupId: string, value: string): boolean {
    return this.#memberOf.get(value)?.has(groupId) ?? false;
  }

  /**
   * Sets a group's members after a PATCH that only added or removed members, updating the
   * membership index for those values alone: at 100k accounts a group holds tens of
   * thousands of members, and re-indexing all of them per PATCH would be quadratic.
   */
  changeMembers(group: StoredResource, members: JsonValue[], added: readonly string[], removed: readonly string[], now: number): void {
    group.data = { ...group.data, members };
    for (const value of removed) this.#memberOf.get(value)?.delete(group.id);
    for (const value of added) {
      let set = this.#memberOf.get(value);
      if (!set) this.#memberOf.set(value, (set = new Set()));
      set.add(group.id);
    }
    group.lastModified = now;
    group.version = ++this.#versionCounter;
    this.generation++;
  }

  /** Group ids a user is a direct member of, in group creation order. */
  groupsOf(userId: string): readonly StoredResource[] {
    const ids = this.#memberOf.get(userId);
    if (!ids || ids.size === 0) return [];
    const groups: StoredResource[] = [];
    for (const id of ids) {
      const group = this.#resources.Group.get(id);
      if (group !== undefined) groups.push(group);
    }
    return groups;
  }

  #index(resource: StoredResource, data: JsonObject): void {
    const { kind, id } = resource;
    resource.indexed = {};
    if (kind === 'User' && typeof data.userName === 'string') {
      resource.indexed.userName = this.#userNameKey(data.userName);
      this.#userNames.set(resource.indexed.userName, id);
    }
    if (typeof data.externalId === 'string') {
      resource.indexed.externalId = data.externalId;
      this.#externalIds[kind].set(data.externalId, id);
    }
    if (kind === 'Group') {
      for (const member of Array.isArray(data.members) ? data.members : []) {
        const value = memberValue(member);
        if (value === undefined) continue;
        let set = this.#memberOf.get(value);
        if (!set) this.#memberOf.set(value, (set = new Set()));
        set.add(id);
      }
    }
  }

  #unindex(resource: StoredResource): void {
    const { kind, id, indexed } = resource;
    if (indexed.userName !== undefined && this.#userNames.get(indexed.userName) === id) this.#userNames.delete(indexed.userName);
    if (indexed.externalId !== undefined && this.#externalIds[kind].get(indexed.externalId) === id) this.#externalIds[kind].delete(indexed.externalId);
    if (kind === 'Group') {
      // Groups are kept as objects: reading data costs nothing.
      for (const member of Array.isArray(resource.data.members) ? resource.data.members : []) {
        const value = memberValue(member);
        if (value !== undefined) this.#memberOf.get(value)?.delete(id);
      }
    }
  }
}

/** The `value` of a group member entry, when it has one. */
export function memberValue(member: JsonValue): string | undefined {
  if (member === null || typeof member !== 'object' || Array.isArray(member)) return undefined;
  return typeof member.value === 'string' ? member.value : undefined;
}

const VARIANT = '89ab';

/** Eight hex digits of 32 bits. */
function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/** A UUID-shaped string (version 4 layout) of 128 bits. */
function uuidOf(a: number, b: number, c: number, d: number): string {
  const bh = hex8(b);
  const ch = hex8(c);
  return `${hex8(a)}-${bh.slice(0, 4)}-4${bh.slice(5, 8)}-${VARIANT[ch.charCodeAt(0) & 3]}${ch.slice(1, 4)}-${ch.slice(4, 8)}${hex8(d)}`;
}

/** A well-spread 32-bit hash of a name from a seed (short names differ in every bit). */
function hash32(text: string, seed: number): number {
  return finalize32(fnv1a(text, seed));
}
