import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadReportFromJson } from '../../src/load/report.js';
import { renderCheckJson } from '../../src/report/check-json.js';
import { renderLoadJson } from '../../src/report/load.js';
import { parseRehearseJson, parseRunJson } from '../../src/report/parse-report.js';
import { renderRehearseJson } from '../../src/report/rehearse-json.js';
import { renderRunJson } from '../../src/report/run-json.js';
import { validateLoadJson } from '../../src/report/validate-load-json.js';
import { runScimsim } from '../helpers/run-cli.js';

const BASELINE = 'fixtures/env/baseline.env';
const CANDIDATE = 'fixtures/env/candidate.env';

interface Schema {
  $id: string;
  properties: Record<string, unknown>;
  required: string[];
  additionalProperties: boolean;
}

async function schema(name: string): Promise<Schema> {
  return JSON.parse(await readFile(new URL(`../../schemas/${name}.json`, import.meta.url), 'utf8')) as Schema;
}

async function stdoutJson(args: string[]): Promise<Record<string, unknown>> {
  const result = await runScimsim([...args, '--format', 'json']);
  expect([0, 2]).toContain(result.code);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

function keys(json: Record<string, unknown>): string[] {
  return Object.keys(json).sort();
}

/**
 * `plain` is a report as a mock run writes it; `full` has every optional top-level field too (set on
 * the parsed report and rendered again). Every key a renderer emits is declared; every declared key is emitted (optional ones included); required ones always.
 */
function expectSchemaMatches(s: Schema, plain: Record<string, unknown>, full: Record<string, unknown>): void {
  expect(s.additionalProperties).toBe(false);
  expect(plain.$schema).toBe(s.$id);
  expect(keys(full)).toEqual(Object.keys(s.properties).sort());
  for (const key of keys(plain)) expect(s.properties, `emitted key ${key}`).toHaveProperty([key]);
  for (const key of s.required) expect(plain, `required key ${key}`).toHaveProperty([key]);
}

describe('JSON Schemas of the reports', () => {
  it('run: the schema declares exactly the keys the renderer emits', async () => {
    const plain = await stdoutJson(['run', '--env', BASELINE, '--users', '60', '--set', 'SCIM_PAGE_SIZE=500']);
    // The live-only fields, as a live run has them, and the connector section of a run through a connector.
    const connector = { kind: 'event', name: 'connector.mjs', refused: [{ method: 'GET', host: 'elsewhere.example', path: '/x', count: 1 }], unattributed: [] };
    const live = parseRunJson({ ...plain, runId: 'r-1', journal: '.scimsim/runs/r-1.jsonl', kept: false, cleanup: null, connector });
    const full = JSON.parse(renderRunJson(live)) as Record<string, unknown>;
    expectSchemaMatches(await schema('run-report'), plain, full);
  });

  it('rehearse: the schema declares exactly the keys the renderer emits (quarantine under --dialect entra)', async () => {
    const plain = await stdoutJson(['rehearse', '--base', BASELINE, '--candidate', CANDIDATE, '--users', '60', '--workers', '1']);
    const entra = await stdoutJson(['rehearse', '--base', BASELINE, '--candidate', CANDIDATE, '--users', '60', '--workers', '1', '--dialect', 'entra']);
    expect(plain).not.toHaveProperty('quarantine');
    const connector = { kind: 'sync', name: 'sync.mjs', refused: { baseline: [], candidate: [{ method: 'POST', host: 'elsewhere.example', path: '/x', count: 2 }] }, unattributed: ['boom'] };
    const full = JSON.parse(renderRehearseJson(parseRehearseJson({ ...entra, connector }))) as Record<string, unknown>;
    expectSchemaMatches(await schema('rehearse-report'), plain, full);
  });

  it('load: the schema declares exactly the keys the renderer emits', async () => {
    const plain = await stdoutJson(['load', '--env', BASELINE, '--rate', '5', '--duration', '2s']);
    const report = loadReportFromJson(plain, 'load.json');
    const full = JSON.parse(renderLoadJson({
      ...report,
      runId: 'r-2',
      mergedFrom: 2,
      aborted: { threshold: 'errors.rate<0.01', atMs: 1000 } as NonNullable<typeof report.aborted>,
      live: { journal: '.scimsim/runs/r-2.jsonl', kept: false },
    })) as Record<string, unknown>;
    expectSchemaMatches(await schema('load-report'), plain, full);
  });

  it('load: the per-window figures are declared key for key, and a report without them still reads', async () => {
    const plain = await stdoutJson(['load', '--env', BASELINE, '--rate', '5', '--duration', '2s']);
    const s = (await schema('load-report')) as Schema & { $defs: { window: Schema } };
    const declared = s.properties.windows as Schema;
    expect(s.required).not.toContain('windows');
    expect(declared.additionalProperties).toBe(false);
    const windows = plain.windows as Record<string, unknown>;
    expect(keys(windows)).toEqual(Object.keys(declared.properties).sort());
    const operations = windows.operations as Record<string, Array<Record<string, unknown>>>;
    const declaredOps = declared.properties.operations as Schema;
    expect(keys(operations)).toEqual(Object.keys(declaredOps.properties).sort());
    expect(declaredOps.required.sort()).toEqual(keys(operations));
    const entries = Object.values(operations).flat();
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(keys(entry)).toEqual(Object.keys(s.$defs.window.properties).sort());
      expect(keys(entry)).toEqual([...s.$defs.window.required].sort());
    }
    const { windows: _windows, ...old } = plain;
    expect(validateLoadJson(old)).toEqual([]);
    expect(loadReportFromJson(old, 'old.json').windows).toBeUndefined();
  });

  it('check and diff: every report validates against its schema, which names every key it may emit', async () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    const checkSchema = await schema('check-report');
    const validCheck = ajv.compile(checkSchema);
    const problems = await stdoutJson(['check', '--env', 'fixtures/env/problems.env']);
    const aliased = await stdoutJson(['check', '--env', 'fixtures/env/okta-names.env', '--alias-file', 'fixtures/env/aliases.env']);
    const preflight = {
      ok: false,
      target: 'https://scim.example.com/scim/v2',
      steps: [{ id: 'dns' as const, title: 'DNS', status: 'fail' as const, durationMs: 3, detail: 'no such host', hint: 'check the host' }],
      advertised: { patch: true, bulk: false, filterMaxResults: 200, sort: false, etag: false },
    };
    const connected = JSON.parse(renderCheckJson({ valid: false, sources: ['a.env'], variables: [], problems: [], preflight })) as Record<string, unknown>;
    for (const report of [problems, aliased, connected]) {
      expect(report.$schema).toBe(checkSchema.$id);
      expect(validCheck(report), JSON.stringify(validCheck.errors)).toBe(true);
    }
    expect((aliased.variables as Array<Record<string, unknown>>).some((v) => typeof v.alias === 'string')).toBe(true);
    expect(keys(connected.preflight as Record<string, unknown>)).toEqual(Object.keys((checkSchema.properties.preflight as Schema).properties).sort());
    // A key the schema does not name fails it.
    expect(validCheck({ ...problems, extra: 1 })).toBe(false);

    const diffSchema = await schema('diff-report');
    const validDiff = ajv.compile(diffSchema);
    const diff = await stdoutJson(['diff', '--base', BASELINE, '--candidate', CANDIDATE]);
    const reversed = await stdoutJson(['diff', '--base', CANDIDATE, '--candidate', 'fixtures/env/problems.env']);
    for (const report of [diff, reversed]) {
      expect(report.$schema).toBe(diffSchema.$id);
      expect(validDiff(report), JSON.stringify(validDiff.errors)).toBe(true);
    }
    expectSchemaMatches(diffSchema, diff, diff);
  });

  it("rotate: every verdict's report validates against its schema, which names every key it may emit", async () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    const rotateSchema = await schema('rotate-report');
    const valid = ajv.compile(rotateSchema);
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-rotate-schema-'));
    const next = join(dir, 'next.env');
    await writeFile(next, 'SCIM_AUTH_TOKEN=stg-next-token-7c1d2e\n');
    const rotate = (extra: string[]) => stdoutJson(['rotate', '--env', BASELINE, '--next', BASELINE, '--next', next, '--duration', '100s', '--rate', '5', ...extra]);
    const reports = [await rotate([]), await rotate(['--revoke-at', '30%']), await rotate(['--switch-at', '40%', '--next-valid-from', '60%'])];
    expect(new Set(reports.map((r) => r.verdict)).size).toBeGreaterThan(1);
    for (const report of reports) {
      expect(report.$schema).toBe(rotateSchema.$id);
      expect(valid(report), JSON.stringify(valid.errors)).toBe(true);
    }
    // Every top-level key the schema names is emitted by one of them, and an unknown key fails it.
    expect([...new Set(reports.flatMap((r) => Object.keys(r)))].sort()).toEqual(Object.keys(rotateSchema.properties).sort());
    expect(valid({ ...reports[0], extra: 1 })).toBe(false);
  });
});
