// A sync connector, as a periodic full sync works: sync(desiredState) gets the whole directory
// the source wants on the target, lists what the target holds, and creates, updates, deactivates
// and deletes until the two agree. It talks SCIM over node:https and reads its own variables:
//   DIRSYNC_ENDPOINT    the SCIM root
//   DIRSYNC_TOKEN       the bearer token
//   DIRSYNC_PAGE_SIZE   users per listing page (default 100)
// aliases.env maps them onto scimsim's catalog names.
//
// Its paging has a bug a rehearsal can catch: it moves on by the page size it asked for, not by
// the number of users the server returned, so a server that caps pages below it skips users.
import { request } from 'node:https';

const SCIM = 'application/scim+json';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function config() {
  const endpoint = process.env.DIRSYNC_ENDPOINT;
  const token = process.env.DIRSYNC_TOKEN;
  if (!endpoint || !token) throw new Error('DIRSYNC_ENDPOINT and DIRSYNC_TOKEN must be set');
  return { root: new URL(endpoint.replace(/\/+$/, '')), token, pageSize: Number(process.env.DIRSYNC_PAGE_SIZE ?? 100) };
}

function call(cfg, method, path, body) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        protocol: cfg.root.protocol,
        hostname: cfg.root.hostname,
        port: cfg.root.port || undefined,
        path: `${cfg.root.pathname}${path}`,
        method,
        headers: { authorization: `Bearer ${cfg.token}`, accept: SCIM, ...(payload === undefined ? {} : { 'content-type': SCIM, 'content-length': Buffer.byteLength(payload) }) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          if (res.statusCode >= 400) reject(new Error(`${method} ${path.split('?')[0]} answered ${res.statusCode}: ${text.slice(0, 160)}`));
          else resolve(text === '' ? undefined : JSON.parse(text));
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

async function listAll(cfg, endpoint) {
  const all = [];
  for (let start = 1; ; start += cfg.pageSize) {
    const page = await call(cfg, 'GET', `/${endpoint}?startIndex=${start}&count=${cfg.pageSize}`);
    const resources = page?.Resources ?? [];
    all.push(...resources);
    if (resources.length === 0 || start + cfg.pageSize > (page?.totalResults ?? 0)) return all;
  }
}

function userBody(user) {
  return {
    schemas: [USER, ENTERPRISE],
    externalId: user.externalId,
    userName: user.userName,
    name: { givenName: user.givenName, familyName: user.familyName },
    displayName: user.displayName,
    active: user.active,
    emails: [{ type: 'work', value: user.email, primary: true }],
    ...(user.phone ? { phoneNumbers: [{ type: 'work', value: user.phone }] } : {}),
    ...(user.title ? { title: user.title } : {}),
    [ENTERPRISE]: user.department ? { department: user.department } : {},
  };
}

/** The replace operations that bring a target user to the source's record; none when they agree. */
function differences(user, held) {
  const ops = [];
  const same = (a, b) => (a ?? null) === (b ?? null);
  if (!same(held.userName, user.userName)) ops.push({ op: 'replace', path: 'userName', value: user.userName });
  if (!same(held.name?.givenName, user.givenName)) ops.push({ op: 'replace', path: 'name.givenName', value: user.givenName });
  if (!same(held.name?.familyName, user.familyName)) ops.push({ op: 'replace', path: 'name.familyName', value: user.familyName });
  if (!same(held.displayName, user.displayName)) ops.push({ op: 'replace', path: 'displayName', value: user.displayName });
  const email = held.emails?.find((e) => e.type === 'work')?.value;
  if (!same(email, user.email)) ops.push({ op: 'replace', path: 'emails[type eq "work"].value', value: user.email });
  if (user.title !== undefined && !same(held.title, user.title)) ops.push({ op: 'replace', path: 'title', value: user.title });
  if (user.department !== undefined && !same(held[ENTERPRISE]?.department, user.department)) ops.push({ op: 'replace', path: `${ENTERPRISE}:department`, value: user.department });
  if (held.active !== user.active) ops.push({ op: 'replace', path: 'active', value: user.active });
  return ops;
}

export async function sync(desired) {
  const cfg = config();
  const marker = desired.users[0]?.externalId.replace(/-\d+$/, '');
  const held = new Map((await listAll(cfg, 'Users')).filter((u) => u.externalId).map((u) => [u.externalId, u]));
  const wanted = new Set(desired.users.map((u) => u.externalId));
  const ids = new Map();
  for (const user of desired.users) {
    const current = held.get(user.externalId);
    try {
      if (!current) {
        ids.set(user.externalId, (await call(cfg, 'POST', '/Users', userBody(user))).id);
        continue;
      }
      ids.set(user.externalId, current.id);
      const ops = differences(user, current);
      if (ops.length > 0) await call(cfg, 'PATCH', `/Users/${current.id}`, { schemas: [PATCH], Operations: ops });
    } catch (error) {
      // One person's failure must not stop the sync: log it with whom it concerns, go on.
      console.error(`sync failed for ${user.externalId}: ${error.message}`);
    }
  }
  for (const [externalId, user] of held) {
    if (marker !== undefined && externalId.startsWith(`${marker}-`) && !wanted.has(externalId)) {
      await call(cfg, 'DELETE', `/Users/${user.id}`).catch((error) => console.error(`delete failed for ${externalId}: ${error.message}`));
    }
  }
  const groups = new Map((await listAll(cfg, 'Groups')).map((g) => [g.displayName, g.id]));
  for (const group of desired.groups) {
    const members = group.members.filter((m) => ids.has(m)).map((m) => ({ value: ids.get(m) }));
    const id = groups.get(group.displayName);
    if (id === undefined) await call(cfg, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: group.displayName, members });
    else await call(cfg, 'PATCH', `/Groups/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'members', value: members }] });
  }
}
