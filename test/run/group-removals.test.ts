import { describe, expect, it } from 'vitest';
import { buildEnvSet } from '../../src/env/load.js';
import { resolveSettings } from '../../src/env/settings.js';
import { createInProcessTransport } from '../../src/mock/adapters/in-process.js';
import { ScimProvider } from '../../src/mock/core/provider.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { runScenario } from '../../src/run/engine.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { ScimClient } from '../../src/scim/client/client.js';
import { VirtualClock } from '../../src/scim/clock.js';
import { getDialect, type DialectName } from '../../src/scim/dialects.js';
import { createRandom } from '../../src/scim/random.js';
import type { TransportRequest } from '../../src/scim/transport.js';

const ENV = 'SCIM_API_BASE_URL=https://scim.example.com/scim/v2\nSCIM_AUTH_TOKEN=removals-token-5678\nSCIM_MAX_CONCURRENCY=4\n';
const USERS = 120;
const reorg = await loadScenario('scenarios/reorg.yaml', process.cwd());

/** A member removal as any dialect sends it: an op `remove`/`Remove` on `members` or a `members[...]` path. */
function isRemoval(request: TransportRequest): boolean {
  if (request.method !== 'PATCH' || !request.url.includes('/Groups/') || request.body === undefined) return false;
  const body = JSON.parse(request.body) as { Operations?: Array<{ op?: string; path?: string }> };
  return (body.Operations ?? []).some((op) => op.op?.toLowerCase() === 'remove' && (op.path ?? '').startsWith('members'));
}

/** The shipped reorg scenario under `dialect` on the embedded provider; `swallowRemovals` answers them 204 unapplied. */
async function runReorg(dialect: DialectName, swallowRemovals = false) {
  const settings = resolveSettings(buildEnvSet([{ label: 'env', text: ENV }], {}));
  const provider = new ScimProvider({ profile: resolveProfile({ name: 'r', description: 'r' }), basePath: '/scim/v2', bearerTokens: ['removals-token-5678'], seed: 1 });
  const inner = createInProcessTransport(provider, new VirtualClock());
  let removals = 0;
  const client = new ScimClient(settings, {
    transport: async (request) => {
      if (!isRemoval(request)) return inner(request);
      removals++;
      return swallowRemovals ? { status: 204, headers: {}, body: '' } : inner(request);
    },
    clock: new VirtualClock(),
    random: createRandom(1),
    dialect: getDialect(dialect),
  });
  const { ledger } = await runScenario({ settings, client, scenario: reorg, users: USERS, seed: 7, marker: 'scimsim-reorg' });
  const blocked = Array.from({ length: USERS }, (_, i) => i).filter((i) => ledger.isBlocked(i));
  return { removals, blocked, ledger };
}

describe('the shipped reorg scenario removes members from groups they were in', () => {
  it.each(['rfc', 'entra', 'okta'] as const)('%s: sends member removals, and read-back finds every one applied', async (dialect) => {
    const { removals, blocked } = await runReorg(dialect);
    expect(removals).toBeGreaterThan(5);
    expect(blocked).toEqual([]);
  });

  it('blocks at group every account whose removal a server answered but did not apply', async () => {
    const { removals, blocked, ledger } = await runReorg('rfc', true);
    expect(blocked.length).toBe(removals);
    for (const i of blocked) expect(ledger.stageOf(i)).toBe('group');
  });
});
