import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectJsonAddsUp } from '../helpers/rehearse-invariants.js';
import { runScimsim } from '../helpers/run-cli.js';

const DIR = 'examples/connectors/event-fetch';
const STAGING = `${DIR}/staging.env`;
const TOKEN = 'stg-7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b';
const CONNECTOR = ['--connector', `${DIR}/connector.mjs`, '--alias-file', `${DIR}/aliases.env`, '--server-profile', 'fixtures/servers/default.json'];

/** The example's env set with some of its lines replaced, in a fresh folder. */
async function variant(edit: (text: string) => string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsim-connector-'));
  const file = join(dir, 'candidate.env');
  await writeFile(file, edit(await readFile(STAGING, 'utf8')));
  return file;
}

interface Change {
  variable: string;
  effect: string;
}
interface RehearseJson {
  verdict: string;
  newlyBlocked: number;
  changes: Change[];
  attribution: Array<{ variables: string[]; reasons: Array<{ error?: string; detail?: string }> }>;
  connector: { kind: string; refused: { baseline: Array<Record<string, unknown>>; candidate: Array<Record<string, unknown>> } };
}

describe('rehearse --connector: a fetch-based event connector with its own variable names', () => {
  it('blames a changed SCIM path on the team’s own ACME_SCIM_URL', async () => {
    const candidate = await variant((t) => t.replace('/scim/v2', '/scim/v2.1'));
    const result = await runScimsim(['rehearse', '--base', STAGING, '--candidate', candidate, ...CONNECTOR, '--users', '150', '--format', 'json']);
    expect(result.code).toBe(2);
    expectJsonAddsUp(result.stdout);
    const report = JSON.parse(result.stdout) as RehearseJson;
    expect(report).toMatchObject({ verdict: 'blocks-accounts', newlyBlocked: 150 });
    expect(report.changes).toEqual([expect.objectContaining({ variable: 'ACME_SCIM_URL', effect: 'blocks' })]);
    expect(report.attribution.map((a) => a.variables)).toEqual([['ACME_SCIM_URL']]);
    // The world does not answer at the new path: the connector's own error says so, per account.
    expect(report.attribution[0]?.reasons[0]).toMatchObject({ error: 'connector-error' });
    expect(report.attribution[0]?.reasons[0]?.detail).toContain('404');
    expect(report.connector.kind).toBe('event');
  });

  it('clears a change the connector reads but that harms nothing (its User-Agent): safe, exit 0', async () => {
    const candidate = await variant((t) => t.replace('acme-provisioner/1.0', 'acme-provisioner/2.0'));
    const result = await runScimsim(['rehearse', '--base', STAGING, '--candidate', candidate, ...CONNECTOR, '--users', '150', '--format', 'json']);
    expect(result.code).toBe(0);
    expectJsonAddsUp(result.stdout);
    const report = JSON.parse(result.stdout) as RehearseJson;
    expect(report.verdict).toBe('safe');
    // Not a catalog variable, yet judged: the connector reads it, and the world shows its effect.
    expect(report.changes).toEqual([expect.objectContaining({ variable: 'ACME_USER_AGENT', effect: 'harmless' })]);
  });

  it('refuses and reports a request to a host outside the env set (host and path, never headers or the token)', async () => {
    const candidate = await variant((t) => t.replace('scim.staging.example.com', 'scim.prod.example.com'));
    const out = await mkdtemp(join(tmpdir(), 'scimsim-connector-reports-'));
    const reports = ['html', 'junit', 'markdown'].flatMap((format) => ['--report', `${format}=${join(out, `report.${format}`)}`]);
    const result = await runScimsim(['rehearse', '--base', STAGING, '--candidate', candidate, ...CONNECTOR, '--users', '100', '--format', 'json', ...reports]);
    expect(result.code).toBe(2);
    // Every format of the same run names the connector and the refused request.
    const written = await Promise.all(['html', 'junit', 'markdown'].map((format) => readFile(join(out, `report.${format}`), 'utf8')));
    for (const text of written) {
      expect(text).toContain('event connector');
      expect(text).toContain('POST scim.prod.example.com/acme-staging/scim/v2/Users (100×)');
      expect(text).not.toContain(TOKEN);
      expect(text).not.toMatch(/Bearer/i);
    }
    expectJsonAddsUp(result.stdout);
    const report = JSON.parse(result.stdout) as RehearseJson;
    expect(report.attribution.map((a) => a.variables)).toEqual([['ACME_SCIM_URL']]);
    expect(report.connector.refused.baseline).toEqual([]);
    expect(report.connector.refused.candidate).toContainEqual({ method: 'POST', host: 'scim.prod.example.com', path: '/acme-staging/scim/v2/Users', count: 100 });
    for (const refused of report.connector.refused.candidate) expect(Object.keys(refused).sort()).toEqual(['count', 'host', 'method', 'path']);
    const table = await runScimsim(['rehearse', '--base', STAGING, '--candidate', candidate, ...CONNECTOR, '--users', '100']);
    expect(table.stdout).toContain('POST scim.prod.example.com/acme-staging/scim/v2/Users (100×)');
    for (const text of [result.stdout, result.stderr, table.stdout, table.stderr]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toMatch(/Bearer/i);
    }
  });

  it('run: outcomes are the world’s final state, and a request elsewhere is refused in a run too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-connector-'));
    // Says it deactivated everyone, and never tells the target.
    const lazy = join(dir, 'lazy.mjs');
    const source = await readFile(`${DIR}/connector.mjs`, 'utf8');
    await writeFile(lazy, source.replace("case 'deactivate':\n    case 'reactivate':", "case 'deactivate':\n      return;\n    case 'reactivate':"));
    const base = ['run', '--env', STAGING, '--alias-file', `${DIR}/aliases.env`, '--server-profile', 'fixtures/servers/default.json', '--users', '120', '--format', 'json'];
    const good = await runScimsim([...base, '--connector', `${DIR}/connector.mjs`]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ verdict: 'safe', connector: { kind: 'event', refused: [] } });
    const bad = await runScimsim([...base, '--connector', lazy]);
    expect(bad.code).toBe(2);
    const json = JSON.parse(bad.stdout) as { result: { byStage: Record<string, number>; reasons: Array<{ stage: string; error?: string }> } };
    expect(json.result.byStage.deactivate).toBeGreaterThan(0);
    expect(json.result.reasons.find((r) => r.stage === 'deactivate')).toMatchObject({ error: 'state-mismatch' });

    const elsewhere = await variant((t) => t.replace('scim.staging.example.com', 'scim.prod.example.com'));
    const moved = await runScimsim(['run', '--env', elsewhere, '--baseline', STAGING, ...CONNECTOR, '--users', '30', '--format', 'json']);
    expect(moved.code).toBe(2);
    expect(JSON.parse(moved.stdout)).toMatchObject({ connector: { refused: expect.arrayContaining([{ method: 'POST', host: 'scim.prod.example.com', path: '/acme-staging/scim/v2/Users', count: 30 }]) } });
    expect(moved.stdout).not.toContain(TOKEN);
  });

  it('refuses --connector-concurrency beside --connector-cmd, which has no such setting', async () => {
    const both = await runScimsim(['run', '--env', STAGING, '--alias-file', `${DIR}/aliases.env`, '--connector-cmd', 'python3 connector.py', '--connector-concurrency', '4', '--users', '5']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--connector-concurrency is for a Node connector');
    expect(both.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses bad connector flags with one clear message', async () => {
    const missing = await runScimsim(['run', '--env', STAGING, '--alias-file', `${DIR}/aliases.env`, '--connector', 'nope/connector.mjs', '--users', '5']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('the connector nope/connector.mjs does not exist');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const live = await runScimsim(['run', '--env', STAGING, '--alias-file', `${DIR}/aliases.env`, '--connector', `${DIR}/connector.mjs`, '--target', 'live', '--users', '5']);
    expect(live.code).toBe(1);
    expect(live.stderr).toContain('--target mock');
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-connector-'));
    await writeFile(join(dir, 'nothing.mjs'), 'export const name = "not a connector";\n');
    const shapeless = await runScimsim(['run', '--env', STAGING, '--alias-file', `${DIR}/aliases.env`, '--connector', join(dir, 'nothing.mjs'), '--server-profile', 'fixtures/servers/default.json', '--users', '5']);
    expect(shapeless.code).toBe(1);
    expect(shapeless.stderr).toContain('exports neither handle(event) nor sync(desiredState)');
    expect(shapeless.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('run --connector: node:http requests elsewhere', () => {
  it('refuses and reports an audit call over node:http to a host outside the env set, even when the connector swallows its failure', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-connector-'));
    const example = new URL(`../../${DIR}/connector.mjs`, import.meta.url).href;
    await writeFile(
      join(dir, 'audited.mjs'),
      [
        `import * as example from ${JSON.stringify(example)};`,
        "import http from 'node:http';",
        'export const setup = example.setup;',
        'export async function handle(event) {',
        '  await example.handle(event);',
        "  if (event.type !== 'create') return;",
        '  await new Promise((resolve) => {',
        "    const req = http.request('http://audit.internal.example/v1/events?token=' + process.env.ACME_SCIM_TOKEN, { method: 'POST', headers: { authorization: 'Bearer ' + process.env.ACME_SCIM_TOKEN } }, (res) => { res.resume(); res.on('end', resolve); });",
        "    req.on('error', resolve);",
        '    req.end(JSON.stringify({ created: event.user.externalId }));',
        '  });',
        '}',
      ].join('\n'),
    );
    const result = await runScimsim(['run', '--env', STAGING, '--alias-file', `${DIR}/aliases.env`, '--connector', join(dir, 'audited.mjs'), '--server-profile', 'fixtures/servers/default.json', '--users', '40', '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'safe', connector: { refused: [{ method: 'POST', host: 'audit.internal.example', path: '/v1/events', count: 40 }] } });
    expect(result.stdout).not.toContain(TOKEN);
  });
});

describe('rehearse --connector: what the connector itself says', () => {
  it('blames a variable the connector reads under another name (its setup fails), and an error it only printed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-connector-'));
    const example = new URL(`../../${DIR}/connector.mjs`, import.meta.url).href;
    // The example, plus a region it requires, and an error it prints (without throwing) for some creates.
    await writeFile(
      join(dir, 'regional.mjs'),
      [
        `import * as example from ${JSON.stringify(example)};`,
        'export function setup() {',
        "  if (!process.env.ACME_REGION) throw new Error('ACME_REGION is not set');",
        '  example.setup();',
        '}',
        'export async function handle(event) {',
        '  await example.handle(event);',
        "  if (event.type === 'create' && process.env.ACME_AUDIT === 'strict' && event.user.title === undefined) console.error(`audit: ${event.user.externalId} has no title`);",
        '}',
      ].join('\n'),
    );
    const base = join(dir, 'base.env');
    const renamed = join(dir, 'renamed.env');
    const strict = join(dir, 'strict.env');
    const staging = await readFile(STAGING, 'utf8');
    await writeFile(base, `${staging}ACME_REGION=eu-west-1\n`);
    await writeFile(renamed, `${staging}ACME_AWS_REGION=eu-west-1\n`);
    await writeFile(strict, `${staging}ACME_REGION=eu-west-1\nACME_AUDIT=strict\n`);
    const flags = ['--connector', join(dir, 'regional.mjs'), '--alias-file', `${DIR}/aliases.env`, '--server-profile', 'fixtures/servers/default.json', '--users', '100', '--format', 'json'];

    const moved = await runScimsim(['rehearse', '--base', base, '--candidate', renamed, ...flags]);
    expect(moved.code).toBe(2);
    expectJsonAddsUp(moved.stdout);
    const report = JSON.parse(moved.stdout) as RehearseJson;
    expect(report.newlyBlocked).toBe(100);
    expect(report.attribution.map((a) => a.variables)).toEqual([['ACME_REGION']]);
    expect(report.attribution[0]?.reasons[0]?.detail).toContain('ACME_REGION is not set');
    expect(report.changes).toEqual(expect.arrayContaining([expect.objectContaining({ variable: 'ACME_AWS_REGION', effect: 'harmless' })]));

    const audited = await runScimsim(['rehearse', '--base', base, '--candidate', strict, ...flags]);
    expect(audited.code).toBe(2);
    expectJsonAddsUp(audited.stdout);
    const printed = JSON.parse(audited.stdout) as RehearseJson;
    expect(printed.attribution.map((a) => a.variables)).toEqual([['ACME_AUDIT']]);
    expect(printed.attribution[0]?.reasons[0]).toMatchObject({ error: 'connector-error' });
    expect(printed.attribution[0]?.reasons[0]?.detail).toMatch(/audit: scimsim-mock-1-\d+ has no title/);
    // Only the accounts it printed about: the others were provisioned as intended.
    expect(printed.newlyBlocked).toBeGreaterThan(0);
    expect(printed.newlyBlocked).toBeLessThan(100);
  });
});
