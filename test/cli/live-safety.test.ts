import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScimClient } from '../../src/scim/client/client.js';
import { BIN, TOKEN, scim, scimsim, targetArgs, tempDir, totalOn } from '../helpers/live.js';
import { resolveSettings } from '../../src/env/settings.js';
import { buildEnvSet } from '../../src/env/load.js';
import { createRealClock } from '../../src/scim/clock.js';
import { createRandom } from '../../src/scim/random.js';
import { getDialect } from '../../src/scim/dialects.js';
import { createUndiciTransport } from '../../src/scim/transports/undici.js';

/**
 * Live safety against `scimsim mock` in a child process (real sockets, real time) that also
 * holds accounts that are not ours: the marker guard, the journal, SIGKILL then cleanup,
 * --keep, --max-requests and production consent.
 */
let mock: ChildProcessWithoutNullStreams | undefined;
let origin = '';
/** The target's own accounts and group, with their versions before any run. */
let existing: Array<{ path: string; version: string }> = [];

beforeEach(async () => {
  mock = spawn(process.execPath, [BIN, 'mock']);
  origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    mock?.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^listening (\S+)/m.exec(out);
      if (match) resolve(match[1] as string);
    });
    mock?.on('exit', () => reject(new Error('scimsim mock exited')));
  });
  existing = [];
  const ids: string[] = [];
  // One of them has the userName the run's first synthetic user will want.
  for (const userName of ['corey.durgan.0@example.com', 'real.person.1@example.com', 'real.person.2@example.com']) {
    const created = await scim(origin, 'POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, externalId: `hr-${userName}`, active: true });
    expect(created.status).toBe(201);
    ids.push(created.json.id as string);
    existing.push({ path: `/Users/${created.json.id as string}`, version: (created.json.meta as { version: string }).version });
  }
  const group = await scim(origin, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Real Staff', members: ids.map((value) => ({ value })) });
  existing.push({ path: `/Groups/${group.json.id as string}`, version: (group.json.meta as { version: string }).version });
});

afterEach(() => {
  mock?.kill('SIGTERM');
  mock = undefined;
});

async function expectExistingUntouched(): Promise<void> {
  for (const { path, version } of existing) {
    const now = await scim(origin, 'GET', path);
    expect(now.status, `${path} is gone`).toBe(200);
    expect((now.json.meta as { version: string }).version, `${path} changed`).toBe(version);
  }
  expect(await totalOn(origin, 'Users')).toBe(3);
  expect(await totalOn(origin, 'Groups')).toBe(1);
}

describe('live safety', () => {
  it('survives SIGKILL mid-run: the journal lets cleanup remove every synthetic account, twice safely, and nothing else', async () => {
    const cwd = await tempDir('scimsim-kill-');
    let runId = '';
    let killed = false;
    const run = await scimsim(['run', '--target', 'live', ...targetArgs(origin, 'SCIM_RATE_LIMIT_RPS=0'), '--users', '5000'], {
      cwd,
      onStderr: (text, child) => {
        const id = /run id: (\S+)/.exec(text)?.[1];
        if (id === undefined || runId !== '') return;
        runId = id;
        const poll = async (): Promise<void> => {
          if ((await totalOn(origin, 'Users')) > 60) {
            killed = child.kill('SIGKILL');
          } else setTimeout(() => void poll(), 20);
        };
        void poll();
      },
    });
    expect(killed).toBe(true);
    expect(run.signal).toBe('SIGKILL');
    expect(await totalOn(origin, 'Users')).toBeGreaterThan(60);
    const journal = await readFile(join(cwd, '.scimsim', 'runs', `${runId}.jsonl`), 'utf8');
    expect(journal).toContain('"op":"intent"');
    expect(journal).not.toContain(TOKEN);

    const cleanup = await scimsim(['cleanup', ...targetArgs(origin, 'SCIM_RATE_LIMIT_RPS=0'), '--run-id', runId], { cwd });
    expect(cleanup.stderr).toBe('');
    expect(cleanup.code).toBe(0);
    expect(cleanup.stdout).toMatch(new RegExp(`run ${runId}: removed \\d+ users`));
    await expectExistingUntouched();
    const again = await scimsim(['cleanup', ...targetArgs(origin, 'SCIM_RATE_LIMIT_RPS=0'), '--all'], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('removed 0 users and 0 groups');
    await expectExistingUntouched();
  });

  it('a second SIGINT exits at once with 130, leaving the journal for cleanup', async () => {
    const cwd = await tempDir('scimsim-twice-');
    let runId = '';
    let second = false;
    const run = await scimsim(['run', '--target', 'live', ...targetArgs(origin, 'SCIM_RATE_LIMIT_RPS=0'), '--users', '5000'], {
      cwd,
      onStderr: (text, child) => {
        // The second interrupt goes once the first is acknowledged, while in-flight work drains.
        if (text.includes('interrupt again to exit at once') && !second) {
          second = child.kill('SIGINT');
          return;
        }
        const id = /run id: (\S+)/.exec(text)?.[1];
        if (id === undefined || runId !== '') return;
        runId = id;
        const poll = async (): Promise<void> => {
          if ((await totalOn(origin, 'Users')) > 300) child.kill('SIGINT');
          else setTimeout(() => void poll(), 20);
        };
        void poll();
      },
    });
    expect(second).toBe(true);
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('stopped at once; the journal stays for scimsim cleanup');
    expect(await totalOn(origin, 'Users')).toBeGreaterThan(3);
    const cleanup = await scimsim(['cleanup', ...targetArgs(origin, 'SCIM_RATE_LIMIT_RPS=0'), '--run-id', runId], { cwd });
    expect(cleanup.code).toBe(0);
    await expectExistingUntouched();
  });

  it('never adopts or changes an account without the run marker, even one with the userName it wants', async () => {
    const cwd = await tempDir('scimsim-guard-');
    const run = await scimsim(['run', '--target', 'live', ...targetArgs(origin, 'SCIM_RATE_LIMIT_RPS=0'), '--users', '40', '--format', 'json'], { cwd });
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as { result: { blocked: number; reasons: Array<{ stage: string; error?: string; count: number }> }; cleanup: { clean: boolean; left: unknown[] } };
    expect(report.result.reasons).toContainEqual(expect.objectContaining({ stage: 'create', error: 'foreign-account', count: 1 }));
    expect(report.cleanup.left).toEqual([]);
    expect(report.cleanup.clean).toBe(true);
    await expectExistingUntouched();
  });

  it('refuses, in the client itself, to write to a resource the run does not own', async () => {
    const settings = resolveSettings(buildEnvSet([{ label: 'env', text: `${await readFile('fixtures/env/baseline.env', 'utf8')}\nSCIM_API_BASE_URL=${origin}/acme-staging/scim/v2\n` }], {}));
    const live = createUndiciTransport({ connections: 2, timeoutMs: 5000 });
    let sent = 0;
    const client = new ScimClient(settings, { transport: live.transport, clock: createRealClock(), random: createRandom('guard'), dialect: getDialect('rfc'), marker: 'scimsim-test', onSend: () => sent++ });
    try {
      const foreign = (existing[1] as { path: string }).path.split('/')[2] as string;
      for (const attempt of [client.setActive(foreign, false), client.deleteUser(foreign), client.updateUser(foreign, { title: 'Hacked' })]) {
        const { outcome } = await attempt;
        expect(outcome).toMatchObject({ ok: false, error: 'not-ours' });
      }
      expect(sent).toBe(0);
    } finally {
      await live.close();
    }
    await expectExistingUntouched();
  });

  it('--keep leaves the run on the target until cleanup; --max-requests stops the scenario and still cleans up', async () => {
    const cwd = await tempDir('scimsim-keep-');
    const kept = await scimsim(['run', '--target', 'live', ...targetArgs(origin, 'SCIM_RATE_LIMIT_RPS=0'), '--users', '30', '--keep'], { cwd });
    const runId = /run id: (\S+)/.exec(kept.stderr)?.[1] ?? '';
    expect(kept.stdout).toContain(`scimsim cleanup --env <the same env> --run-id ${runId}`);
    expect(await totalOn(origin, 'Users')).toBeGreaterThan(3);
    expect((await scimsim(['cleanup', ...targetArgs(origin, 'SCIM_RATE_LIMIT_RPS=0'), '--run-id', runId], { cwd })).code).toBe(0);
    await expectExistingUntouched();

    const capped = await scimsim(['run', '--target', 'live', ...targetArgs(origin, 'SCIM_RATE_LIMIT_RPS=0'), '--users', '200', '--max-requests', '50', '--format', 'json'], { cwd });
    expect(capped.code).toBe(2);
    const report = JSON.parse(capped.stdout) as { capped: boolean; partial: boolean; requests: number };
    expect(report).toMatchObject({ capped: true, partial: true });
    await expectExistingUntouched();
    expect((await readdir(join(cwd, '.scimsim', 'runs'))).length).toBe(2);
  });

  it('refuses a production-looking target without consent, and proceeds with it', async () => {
    const cwd = await tempDir('scimsim-prod-');
    const refused = await scimsim(['run', '--target', 'live', ...targetArgs(origin, 'SCIM_ENVIRONMENT=production'), '--users', '5'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('SCIM_ENVIRONMENT is production');
    expect(refused.stderr).toContain('--allow-production 127.0.0.1');
    expect(await totalOn(origin, 'Users')).toBe(3);
    const host = await scimsim(['run', '--target', 'live', ...targetArgs(origin), '--production-pattern', '^127\\.', '--users', '5'], { cwd });
    expect(host.code).toBe(1);
    expect(host.stderr).toContain('looks like production');
    const allowed = await scimsim(['run', '--target', 'live', ...targetArgs(origin, 'SCIM_ENVIRONMENT=production', 'SCIM_RATE_LIMIT_RPS=0'), '--users', '5', '--seed', '2', '--allow-production', '127.0.0.1'], { cwd });
    expect(allowed.code).toBe(0);
    await expectExistingUntouched();
  });
});
