import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/adapters/server.js';
import { ScimProvider } from '../../src/mock/core/provider.js';
import { loadDefaultProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import type { LoadJson } from '../../src/load/report.js';
import { BASE_PATH, TOKEN, scim, scimsim, targetArgs, tempDir, totalOn } from '../helpers/live.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('load --target live', () => {
  it('sends real load over undici at the scheduled rate, marks and journals its joiners, and removes them, leaving other accounts alone', async () => {
    const profile = resolveProfile(await loadDefaultProfile());
    server = await startMockServer(new ScimProvider({ profile, basePath: BASE_PATH, tenantId: 'acme-staging', bearerTokens: [TOKEN], seed: 3 }));
    const origin = server.origin;
    const existing = await scim(origin, 'POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'real.person@acme.example', externalId: 'hr-1001', active: true });
    expect(existing.status).toBe(201);
    const cwd = await tempDir('scimsim-load-live-');
    const done = await scimsim(['load', '--target', 'live', ...targetArgs(origin, 'SCIM_RATE_LIMIT_RPS=0'), '--rate', '20', '--duration', '2s', '--mix', 'update=1,deactivate=0.5,list=0.2', '--threshold', 'errors.rate==0', '--format', 'json'], { cwd });
    expect(done.stderr).toMatch(/run id: \S+/);
    expect(done.code).toBe(0);
    const json = JSON.parse(done.stdout) as LoadJson;
    expect(json.target).toBe('live');
    expect(json.iterations.scheduled).toBe(40);
    expect(json.operations.create.count).toBe(json.iterations.started);
    expect(json.operations.update.count).toBe(json.iterations.started);
    expect(json.totals.errors).toBe(0);
    // Real time: the two seconds of schedule took at least that long.
    expect(json.timing.wallMs).toBeGreaterThanOrEqual(1900);
    expect(json.live?.cleanup?.users.removed).toBe(json.operations.create.count);
    const journals = await readdir(join(cwd, '.scimsim', 'runs'));
    expect(journals).toEqual([`${json.runId}.jsonl`]);
    const journal = await readFile(join(cwd, '.scimsim', 'runs', journals[0] as string), 'utf8');
    expect(journal.match(/"op":"intent"/g)?.length).toBe(json.operations.create.count);
    expect(journal).toContain('"op":"end","clean":true');
    expect(await totalOn(origin, 'Users')).toBe(1);
    const after = await scim(origin, 'GET', `/Users/${existing.json.id as string}`);
    expect(after.json).toMatchObject({ userName: 'real.person@acme.example', active: true });
    expect(done.stdout + done.stderr + journal).not.toContain(TOKEN);
  });

  it('stops on SIGINT: no new iterations, a partial report, exit 130, and its joiners removed', async () => {
    const profile = resolveProfile(await loadDefaultProfile());
    server = await startMockServer(new ScimProvider({ profile, basePath: BASE_PATH, tenantId: 'acme-staging', bearerTokens: [TOKEN], seed: 4 }));
    const origin = server.origin;
    let sent = false;
    const done = await scimsim(['load', '--target', 'live', ...targetArgs(origin, 'SCIM_RATE_LIMIT_RPS=0'), '--rate', '20', '--duration', '2m', '--format', 'json'], {
      cwd: await tempDir('scimsim-load-live-'),
      onStderr: (text, child) => {
        if (sent || !text.includes('run id:')) return;
        sent = true;
        const poll = async (): Promise<void> => {
          if ((await totalOn(origin, 'Users')) >= 5) child.kill('SIGINT');
          else setTimeout(() => void poll(), 20);
        };
        void poll();
      },
    });
    expect(done.code).toBe(130);
    const json = JSON.parse(done.stdout) as LoadJson;
    expect(json.partial).toBe(true);
    expect(json.iterations.scheduled).toBeLessThan(2400);
    expect(json.operations.create.count).toBeGreaterThanOrEqual(5);
    expect(json.live?.cleanup?.users.removed).toBe(json.operations.create.count);
    expect(await totalOn(origin, 'Users')).toBe(0);
  });

  it('stops at --max-requests, reports capped with exit 2, and still removes what it created', async () => {
    const profile = resolveProfile(await loadDefaultProfile());
    server = await startMockServer(new ScimProvider({ profile, basePath: BASE_PATH, tenantId: 'acme-staging', bearerTokens: [TOKEN], seed: 5 }));
    const origin = server.origin;
    const done = await scimsim(['load', '--target', 'live', ...targetArgs(origin, 'SCIM_RATE_LIMIT_RPS=0'), '--rate', '50', '--duration', '30s', '--max-requests', '40', '--format', 'json'], { cwd: await tempDir('scimsim-load-live-') });
    expect(done.code).toBe(2);
    const json = JSON.parse(done.stdout) as LoadJson;
    expect(json.capped).toBe(true);
    expect(json.partial).toBe(true);
    expect(json.iterations.scheduled).toBeLessThan(1500);
    expect(json.totals.requests).toBeLessThanOrEqual(40);
    expect(json.live?.cleanup?.users.removed).toBe(json.operations.create.count - json.operations.create.errors);
    expect(await totalOn(origin, 'Users')).toBe(0);
  });
});
