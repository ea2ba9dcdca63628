import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScimStore } from '../../src/mock/core/store.js';
import { startHostileServer, type HostileServer, type Misbehaviour } from '../helpers/hostile-server.js';
import { BASELINE, BASE_PATH, TOKEN, scimsim, tempDir } from '../helpers/live.js';
import { scimSettings } from '../helpers/scim-settings.js';

/**
 * `scimsim run --target live` killed with SIGKILL mid-run against a misbehaving loopback server,
 * then `scimsim cleanup`: it refuses an env set pointing at another target, and otherwise
 * removes everything the run created (creates in flight at the kill included), however the
 * server filters, touching nothing else.
 */
let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function markedUsers(store: ScimStore, marker: string): number {
  return store.all('User').filter((r) => String(r.data.externalId).startsWith(`${marker}-`)).length;
}

async function envFile(dir: string, baseUrl: string, name: string): Promise<string> {
  const replaced: Record<string, string> = { SCIM_API_BASE_URL: baseUrl, SCIM_RATE_LIMIT_RPS: '0', SCIM_TIMEOUT_MS: '500' };
  const lines = (await readFile(BASELINE, 'utf8')).split('\n').map((line) => {
    const key = line.split('=')[0] ?? '';
    return key in replaced ? `${key}=${replaced[key] ?? ''}` : line;
  });
  const path = join(dir, name);
  await writeFile(path, lines.join('\n'));
  return path;
}

describe.each<Misbehaviour>(['eq-only', 'create-stall', 'replace-members', 'page-cap', 'reads-503', 'upsert', 'create-reset', 'create-garbage'])('SIGKILL then scimsim cleanup against a server with %s', (misbehaviour) => {
  it('refuses another target, then leaves nothing marked and the foreign account as it was', async () => {
    server = await startHostileServer(misbehaviour, scimSettings(`http://127.0.0.1${BASE_PATH}`, { auth: { mode: 'bearer', token: TOKEN } }), { stallMs: 1_500 });
    const store = server.store;
    const foreign = store.insert('User', store.nextId(), { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'real.person@example.com', externalId: 'hr-1', active: true }, 0);
    const cwd = await tempDir(`scimsim-kill-${misbehaviour}-`);
    const env = await envFile(cwd, server.baseUrl, 'target.env');
    let runId = '';
    let killed = false;
    const run = await scimsim(['run', '--target', 'live', '--env', env, '--users', '3000'], {
      cwd,
      onStderr: (text, child) => {
        const id = /run id: (\S+)/.exec(text)?.[1];
        if (id === undefined || runId !== '') return;
        runId = id;
        const poll = setInterval(() => {
          if (markedUsers(store, `scimsim-${runId}`) > 40) {
            clearInterval(poll);
            killed = child.kill('SIGKILL');
          }
        }, 10);
        child.on('exit', () => clearInterval(poll));
      },
    });
    expect(killed).toBe(true);
    expect(run.signal).toBe('SIGKILL');
    const marker = `scimsim-${runId}`;
    expect(markedUsers(store, marker)).toBeGreaterThan(40);
    const journal = await readFile(join(cwd, '.scimsim', 'runs', `${runId}.jsonl`), 'utf8');
    expect(journal).toContain(`"target":"${server.baseUrl}"`);
    expect(journal).not.toContain(TOKEN);

    const elsewhere = await envFile(cwd, `http://127.0.0.1:9${BASE_PATH}`, 'elsewhere.env');
    const refused = await scimsim(['cleanup', '--env', elsewhere, '--run-id', runId], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(server.baseUrl);
    expect(refused.stderr).toContain(`http://127.0.0.1:9${BASE_PATH}`);
    expect(markedUsers(store, marker)).toBeGreaterThan(40);

    const cleanup = await scimsim(['cleanup', '--env', env, '--run-id', runId], { cwd });
    expect(cleanup.code).toBe(0);
    expect(cleanup.stdout).toMatch(new RegExp(`run ${runId}: removed \\d+ users`));
    expect(cleanup.stdout).not.toContain('left:');
    if (misbehaviour === 'eq-only') expect(cleanup.stderr).toContain('cannot search for the run marker');
    expect(markedUsers(store, marker)).toBe(0);
    expect(store.all('Group').filter((g) => String(g.data.displayName).startsWith(`${marker}-`))).toEqual([]);
    expect(store.get('User', foreign.id)?.version).toBe(foreign.version);
    expect(await readFile(join(cwd, '.scimsim', 'runs', `${runId}.jsonl`), 'utf8')).toMatch(/"op":"end","clean":true/);
  }, 60_000);
});
