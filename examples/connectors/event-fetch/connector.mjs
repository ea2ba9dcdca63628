// An event connector, as an HR webhook would drive it: one handle(event) call per change of a
// person, using global fetch. It reads its own configuration under its own names:
//   ACME_SCIM_URL    the SCIM root, e.g. https://scim.staging.example.com/acme-staging/scim/v2
//   ACME_SCIM_TOKEN  the bearer token
//   ACME_USER_AGENT  sent as User-Agent (optional)
// aliases.env maps the first two onto scimsim's catalog names, so that a rehearsal reports
// changes under these names.

const SCIM = 'application/scim+json';
let root;
let headers;
/** externalId -> SCIM id of the people this process created. */
const ids = new Map();
/** displayName -> promise of the group's SCIM id: concurrent events create a group once. */
const groups = new Map();

export function setup() {
  root = process.env.ACME_SCIM_URL;
  const token = process.env.ACME_SCIM_TOKEN;
  if (!root) throw new Error('ACME_SCIM_URL is not set');
  if (!token) throw new Error('ACME_SCIM_TOKEN is not set');
  root = root.replace(/\/+$/, '');
  headers = { authorization: `Bearer ${token}`, 'content-type': SCIM, accept: SCIM, 'user-agent': process.env.ACME_USER_AGENT ?? 'acme-provisioner/1.0' };
}

async function scim(method, path, body) {
  const response = await fetch(`${root}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path.split('?')[0]} answered ${response.status}: ${text.slice(0, 200)}`);
  return text === '' ? undefined : JSON.parse(text);
}

function userBody(user) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    externalId: user.externalId,
    userName: user.userName,
    name: { givenName: user.givenName, familyName: user.familyName },
    displayName: user.displayName,
    active: user.active,
    emails: [{ type: 'work', value: user.email, primary: true }],
    ...(user.phone ? { phoneNumbers: [{ type: 'work', value: user.phone }] } : {}),
    ...(user.title ? { title: user.title } : {}),
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': user.department ? { department: user.department } : {},
  };
}

async function idOf(user) {
  const known = ids.get(user.externalId);
  if (known) return known;
  const found = await scim('GET', `/Users?filter=${encodeURIComponent(`externalId eq "${user.externalId}"`)}`);
  const id = found?.Resources?.[0]?.id;
  if (!id) throw new Error(`no account for ${user.externalId}`);
  ids.set(user.externalId, id);
  return id;
}

function groupId(displayName) {
  let id = groups.get(displayName);
  if (!id) {
    id = (async () => {
      const found = await scim('GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${displayName}"`)}`);
      if (found?.Resources?.[0]?.id) return found.Resources[0].id;
      return (await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, members: [] })).id;
    })();
    groups.set(displayName, id);
  }
  return id;
}

const patch = (operations) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });

const PATHS = { userName: 'userName', givenName: 'name.givenName', familyName: 'name.familyName', displayName: 'displayName', email: 'emails[type eq "work"].value', title: 'title', department: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department' };

export async function handle(event) {
  const { user } = event;
  switch (event.type) {
    case 'create': {
      const created = await scim('POST', '/Users', userBody(user));
      ids.set(user.externalId, created.id);
      return;
    }
    case 'update': {
      const operations = Object.entries(event.changes ?? {})
        .filter(([name]) => PATHS[name])
        .map(([name, value]) => ({ op: 'replace', path: PATHS[name], value }));
      if (operations.length > 0) await scim('PATCH', `/Users/${await idOf(user)}`, patch(operations));
      return;
    }
    case 'deactivate':
    case 'reactivate':
      await scim('PATCH', `/Users/${await idOf(user)}`, patch([{ op: 'replace', path: 'active', value: event.type === 'reactivate' }]));
      return;
    case 'delete':
      await scim('DELETE', `/Users/${await idOf(user)}`);
      ids.delete(user.externalId);
      return;
    case 'group-add':
    case 'group-remove': {
      const id = await idOf(user);
      const group = await groupId(event.group.displayName);
      const operation = event.type === 'group-add' ? { op: 'add', path: 'members', value: [{ value: id }] } : { op: 'remove', path: `members[value eq "${id}"]` };
      await scim('PATCH', `/Groups/${group}`, patch([operation]));
      return;
    }
  }
}
