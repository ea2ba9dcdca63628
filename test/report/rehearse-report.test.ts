import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/env/fingerprint.js';
import type { Attribution, RehearsedChange, RehearseReport } from '../../src/rehearse/types.js';
import { renderRehearseHtml } from '../../src/report/html/rehearse.js';
import { renderRehearseJson } from '../../src/report/rehearse-json.js';
import { renderRehearseJUnit } from '../../src/report/rehearse-junit.js';
import { renderRehearseMarkdown } from '../../src/report/rehearse-markdown.js';
import { renderRehearseTable } from '../../src/report/rehearse-table.js';
import { createColors } from '../../src/report/style.js';
import { expectAddsUp } from '../helpers/rehearse-invariants.js';

const OLD_TOKEN = 'stg-7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b';
const NEW_TOKEN = 'prd-0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d';
const plain = createColors(false);

const byStage = (over: Partial<RehearseReport['baseline']['byStage']>): RehearseReport['baseline']['byStage'] => ({
  create: 0,
  update: 0,
  deactivate: 0,
  reactivate: 0,
  delete: 0,
  group: 0,
  ...over,
});

const change = (variable: string, before: string, after: string, effect: RehearsedChange['effect'], extra: Partial<RehearsedChange> = {}): RehearsedChange => ({
  variable,
  action: 'update',
  before,
  after,
  secret: false,
  unitId: variable,
  effect,
  ...extra,
});

const tokenBlock: Attribution = {
  variables: ['SCIM_AUTH_TOKEN'],
  causes: [['SCIM_AUTH_TOKEN']],
  interaction: false,
  alternatives: false,
  causeReasons: ['x'],
  blocked: 2000,
  byStage: { create: 2000 },
  reasons: [{ stage: 'create', status: 401, count: 2000 }],
  examples: [
    { userName: 'ada.lovelace@example.test', externalId: 'e-0001', stage: 'create', reason: '401' },
    { userName: 'alan.turing@example.test', externalId: 'e-0002', stage: 'create', reason: '401' },
    { userName: 'grace.hopper@example.test', externalId: 'e-0003', stage: 'create', reason: '401' },
  ],
  hint: 'The server rejects the bearer token: check SCIM_AUTH_TOKEN against the staging secret store.',
};
const pageBlock: Attribution = {
  variables: ['SCIM_PAGE_SIZE'],
  causes: [['SCIM_PAGE_SIZE']],
  interaction: false,
  alternatives: false,
  causeReasons: ['x'],
  blocked: 312,
  byStage: { deactivate: 312 },
  reasons: [{ stage: 'deactivate', status: 400, scimType: 'tooMany', count: 312 }],
  examples: [
    { userName: 'edsger.dijkstra@example.test', externalId: 'e-0101', stage: 'deactivate', reason: '400 tooMany' },
    { userName: 'barbara.liskov@example.test', externalId: 'e-0102', stage: 'deactivate', reason: '400 tooMany' },
  ],
  hint: "Keep SCIM_PAGE_SIZE at or under the server's maxResults (100).",
};
const pairBlock: Attribution = {
  variables: ['SCIM_MAX_CONCURRENCY', 'SCIM_RATE_LIMIT_RPS'],
  causes: [['SCIM_MAX_CONCURRENCY', 'SCIM_RATE_LIMIT_RPS']],
  interaction: true,
  alternatives: false,
  causeReasons: ['x'],
  blocked: 57,
  byStage: { create: 57 },
  reasons: [{ stage: 'create', status: 429, detail: 'rate limited | Retry-After 1', count: 57 }],
  examples: [{ userName: 'ken.thompson@example.test', externalId: 'e-0201', stage: 'create', reason: '429' }],
  hint: 'Unlimited request rate with 32 parallel requests trips the server rate limit: keep SCIM_RATE_LIMIT_RPS set.',
};

function blockingReport(): RehearseReport {
  return {
    scenario: 'lifecycle',
    dialect: 'entra',
    users: 3000,
    seed: 7,
    target: 'mock',
    serverProfile: 'staging',
    labels: { base: 'fixtures/env/baseline.env', candidate: 'fixtures/env/candidate.env' },
    verdict: 'blocks-accounts',
    caveats: [],
    baseline: { blocked: 0, byStage: byStage({}), unverified: 0 },
    candidate: { blocked: 2369, byStage: byStage({ create: 2057, deactivate: 312 }), unverified: 0 },
    newlyBlocked: 2369,
    alreadyBlocked: 0,
    changes: [
      change('SCIM_AUTH_TOKEN', fingerprint(OLD_TOKEN), fingerprint(NEW_TOKEN), 'blocks', { secret: true }),
      change('SCIM_PAGE_SIZE', '100', '500', 'blocks'),
      change('SCIM_MAX_CONCURRENCY', '8', '32', 'blocks'),
      change('SCIM_RATE_LIMIT_RPS', '20', '0', 'blocks'),
      change('SCIM_TIMEOUT_MS', '30000', '15000', 'harmless'),
      change('SCIM_UPDATE_METHOD', 'patch', 'put', 'harmless'),
    ],
    attribution: [tokenBlock, pageBlock, pairBlock],
    unexplained: 0,
    unexplainedBecause: { budget: 0, notReproducible: 0, inseparable: 0, unverified: 0 },
    runs: { total: 14, full: 11, scoped: 0, cached: 3, invalid: 0, budgetExhausted: false, budget: 68 },
    requests: { baseline: 5000, candidate: 2100, search: 40000, total: 47100 },
    quarantine: {
      predicted: false,
      failures: 2000,
      failureRate: 1,
      line: 'no quarantine at 2,000 accounts (2,000 failures, under the 5,000 minimum), but at this 100% failure rate a directory of 5,000 or more accounts would be quarantined',
    },
    timing: { wallMs: 4210 },
  };
}

function safeReport(): RehearseReport {
  const report = blockingReport();
  return {
    ...report,
    verdict: 'safe',
    candidate: { blocked: 0, byStage: byStage({}), unverified: 0 },
    newlyBlocked: 0,
    changes: report.changes.filter((c) => c.effect === 'harmless'),
    attribution: [],
    runs: { total: 2, full: 2, scoped: 0, cached: 0, invalid: 0, budgetExhausted: false, budget: 42 },
    quarantine: { predicted: false, failures: 0, failureRate: 0, line: 'no quarantine predicted: 0% of exports fail' },
  };
}

const allOutputs = (report: RehearseReport): string[] => [
  renderRehearseTable(report, plain),
  renderRehearseTable(report, createColors(true)),
  renderRehearseJson(report),
  renderRehearseMarkdown(report),
  renderRehearseJUnit(report),
];

// eslint-disable-next-line no-control-regex
const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

/** Splits a Markdown table row into cells at pipes not escaped by a backslash. */
function cells(row: string): number {
  let count = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\') i++;
    else if (row[i] === '|') count++;
  }
  return count;
}

describe('renderRehearseTable', () => {
  const table = renderRehearseTable(blockingReport(), plain);
  const lines = table.split('\n');

  it('prints a header, plan lines with what each change blocks and why, and a summary line last', () => {
    expect(lines[0]).toBe('scimsim rehearse fixtures/env/baseline.env -> fixtures/env/candidate.env · 3,000 users · seed 7 · mock (staging) · entra dialect');
    expect(table).toMatch(/^ {4}~ SCIM_PAGE_SIZE +100 -> 500 +blocks 312 accounts \(deactivate: 400 tooMany\)$/m);
    expect(table).toMatch(/^ {4}~ SCIM_AUTH_TOKEN +fp:[0-9a-f]{12} -> fp:[0-9a-f]{12} +blocks 2,000 accounts \(create: 401\)$/m);
    expect(table).toContain('e.g. ada.lovelace@example.test, alan.turing@example.test, grace.hopper@example.test');
    expect(table).toContain(`→ ${pageBlock.hint}`);
    expect(lines.filter((l) => l !== '').at(-1)).toBe('✖ 4 of 6 changes block 2,369 of 3,000 accounts');
    expect(table).toContain('Entra ID: no quarantine at 2,000 accounts');
    expect(table).toContain('14 runs (11 full, 3 from cache) · 47,100 requests (baseline 5,000, candidate 2,100, search 40,000) · 4.2 s wall');
    expect(table).not.toContain('already blocked');
    expect(table).not.toContain('not explained');
  });

  it('brackets the interacting pair and says they block only together, not each alone', () => {
    const first = lines.findIndex((l) => l.includes('SCIM_MAX_CONCURRENCY'));
    expect(lines[first]).toMatch(/^ {2}┌ ~ SCIM_MAX_CONCURRENCY +8 -> 32 +blocks 57 accounts only together \(create: 429\)$/);
    // The server's words go on their own line under the pair, not in the plan line.
    expect(lines[first + 2]).toBe('      server: rate limited | Retry-After 1');
    expect(lines[first + 1]).toMatch(/^ {2}└ ~ SCIM_RATE_LIMIT_RPS +20 -> 0$/);
    expect(lines.filter((l) => /SCIM_MAX_CONCURRENCY|SCIM_RATE_LIMIT_RPS/.test(l) && !l.includes('→'))).toHaveLength(2);
    expect(table).toContain('e.g. ken.thompson@example.test');
  });

  it('lists the harmless changes in their own section, not as blocking', () => {
    const section = table.slice(table.indexOf('harmless (no account blocked):'));
    expect(section).toMatch(/~ SCIM_TIMEOUT_MS +30000 -> 15000\n/);
    expect(section).toMatch(/~ SCIM_UPDATE_METHOD +patch -> put\n/);
    expect(section).not.toContain('SCIM_PAGE_SIZE');
    expect(table.slice(0, table.indexOf('harmless ('))).not.toContain('SCIM_TIMEOUT_MS');
  });

  it('prints both facts for a variable that blocks alone and in an interaction', () => {
    const report = blockingReport();
    report.newlyBlocked += 9;
    report.attribution.push({ ...pairBlock, variables: ['SCIM_MAX_CONCURRENCY'], causes: [['SCIM_MAX_CONCURRENCY']], interaction: false, blocked: 9, reasons: [{ stage: 'update', error: 'timeout', count: 9 }], byStage: { update: 9 } });
    const text = renderRehearseTable(report, plain);
    expect(text).toMatch(/^ {4}~ SCIM_MAX_CONCURRENCY +8 -> 32 +blocks 9 accounts \(update: timeout\)$/m);
    expect(text).toMatch(/┌ ~ SCIM_MAX_CONCURRENCY +8 -> 32 +blocks 57 accounts only together/);
  });

  it('keeps a coupled unit together and brackets it as one unit', () => {
    const report = blockingReport();
    report.changes.splice(0, 1,
      change('SCIM_AUTH_MODE', 'bearer', 'oauth2', 'blocks', { unitId: 'auth' }),
      change('SCIM_OAUTH_CLIENT_SECRET', fingerprint('a'), fingerprint('b'), 'blocks', { secret: true, unitId: 'auth' }),
    );
    report.attribution[0] = { ...tokenBlock, variables: ['SCIM_AUTH_MODE', 'SCIM_OAUTH_CLIENT_SECRET'], causes: [['SCIM_AUTH_MODE', 'SCIM_OAUTH_CLIENT_SECRET']] };
    const text = renderRehearseTable(report, plain);
    expect(text).toMatch(/┌ ~ SCIM_AUTH_MODE +bearer -> oauth2 +blocks 2,000 accounts \(create: 401\)\n {2}└ ~ SCIM_OAUTH_CLIENT_SECRET +fp:\w+ -> fp:\w+ +\(moves with the lines above as one unit\)\n/);
    expect(text).not.toContain('only together (create: 401)');
    // Markdown and HTML name the unit the same way, from one rule.
    expect(renderRehearseMarkdown(report)).toContain('(one unit)');
    expect(renderRehearseHtml(report)).toContain('<span class="note">one unit</span>');
  });

  it('reports accounts blocked under the baseline and unexplained accounts', () => {
    const report = { ...blockingReport(), alreadyBlocked: 3, unexplained: 5, newlyBlocked: 2374, unexplainedBecause: { budget: 4, notReproducible: 1, inseparable: 0, unverified: 0 } };
    report.runs = { ...report.runs, budgetExhausted: true };
    const text = renderRehearseTable(report, plain);
    expect(text).toContain('3 accounts are already blocked under the baseline and are not blamed on the candidate.');
    expect(text).toContain('5 newly blocked accounts are not explained: 4 because the search reached --max-runs 68 (raise it to search further); 1 because replaying the candidate did not block them again');
    const colored = renderRehearseTable(report, createColors(true));
    expect(colored).toContain('\u001b[33m⚠ 5 newly blocked accounts are not explained: 4 because');
    expectAddsUp(report);
  });

  it('colours only: stripping ANSI from the coloured table gives the plain one', () => {
    const colored = renderRehearseTable(blockingReport(), createColors(true));
    expect(colored).not.toBe(table);
    expect(stripAnsi(colored)).toBe(table);
  });

  it('says safe when the candidate blocks nothing', () => {
    const text = renderRehearseTable(safeReport(), plain);
    expect(text.trimEnd().split('\n').at(-1)).toBe('✔ safe: none of the 2 changes blocks an account');
    expect(text).not.toContain('blocks 0');
    expect(text).toContain('harmless (no account blocked):');
  });
});

describe('renderRehearseJson', () => {
  it('follows the contract envelope with runs as a number', () => {
    const json = JSON.parse(renderRehearseJson(blockingReport())) as Record<string, unknown> & {
      changes: Array<{ variable: string; before: string | null; after: string | null; secret: boolean; unit: string; effect: string }>;
      attribution: Array<{ variables: unknown; interaction: boolean; blocked: number; byStage: Record<string, number>; reasons: Array<Record<string, unknown>> }>;
      runDetail: { total: number };
    };
    expect(json).toMatchObject({
      formatVersion: '1.0',
      command: 'rehearse',
      verdict: 'blocks-accounts',
      users: 3000,
      seed: 7,
      target: 'mock',
      scenario: 'lifecycle',
      dialect: 'entra',
      serverProfile: 'staging',
      newlyBlocked: 2369,
      alreadyBlocked: 0,
      unexplained: 0,
      runs: 14,
      baseline: { blocked: 0, byStage: { create: 0, update: 0, deactivate: 0 } },
      candidate: { blocked: 2369, byStage: { create: 2057 } },
      quarantine: { predicted: false, reason: null, failures: 2000 },
    });
    expect(typeof json.runs).toBe('number');
    expect(json.runDetail).toEqual({ total: 14, full: 11, scoped: 0, cached: 3, invalid: 0, budgetExhausted: false, budget: 68 });
    for (const a of json.attribution) expect(Array.isArray(a.variables)).toBe(true);
    expect(json.attribution.map((a) => a.variables)).toEqual([['SCIM_AUTH_TOKEN'], ['SCIM_PAGE_SIZE'], ['SCIM_MAX_CONCURRENCY', 'SCIM_RATE_LIMIT_RPS']]);
    expect(json.attribution[1]).toMatchObject({ interaction: false, blocked: 312, byStage: { deactivate: 312 }, reasons: [{ stage: 'deactivate', status: 400, scimType: 'tooMany', count: 312 }] });
    expect(json.attribution[1]?.byStage).toEqual({ deactivate: 312 });
    const token = json.changes.find((c) => c.variable === 'SCIM_AUTH_TOKEN');
    expect(token?.secret).toBe(true);
    expect(token?.before).toMatch(/^fp:[0-9a-f]{12}$/);
    expect(token?.after).toMatch(/^fp:[0-9a-f]{12}$/);
    expect(json.changes.find((c) => c.variable === 'SCIM_TIMEOUT_MS')).toEqual({ variable: 'SCIM_TIMEOUT_MS', action: 'update', before: '30000', after: '15000', secret: false, unit: 'SCIM_TIMEOUT_MS', effect: 'harmless' });
  });

  it('writes null for absent values and a missing server profile', () => {
    const report = blockingReport();
    delete report.serverProfile;
    report.changes[4] = { variable: 'SCIM_TIMEOUT_MS', action: 'create', after: '15000', secret: false, unitId: 'SCIM_TIMEOUT_MS', effect: 'harmless' };
    const json = JSON.parse(renderRehearseJson(report)) as { serverProfile: unknown; changes: Array<{ before: unknown }> };
    expect(json.serverProfile).toBeNull();
    expect(json.changes[4]?.before).toBeNull();
    expect(renderRehearseJson(report).endsWith('}\n')).toBe(true);
  });
});

describe('renderRehearseMarkdown', () => {
  const md = renderRehearseMarkdown(blockingReport());

  it('puts the summary first and folds each cause set', () => {
    const first = md.split('\n').find((l) => l.trim() !== '');
    expect(first).toMatch(/❌.*4 of 6 changes block 2,369 of 3,000 accounts/);
    const open = md.match(/<details>/g)?.length ?? 0;
    expect(open).toBe(3);
    expect(md.match(/<\/details>/g)?.length).toBe(open);
    expect(md).toContain('<code>SCIM_MAX_CONCURRENCY</code> + <code>SCIM_RATE_LIMIT_RPS</code> block 57 accounts only together');
    expect(md).toMatch(/\*\*Harmless\*\*.*`SCIM_TIMEOUT_MS`.*`SCIM_UPDATE_METHOD`/);
    expect(md).toContain('**Entra ID:**');
    expect(md).toContain('14 runs (11 full, 3 from cache)');
    const safeFirst = renderRehearseMarkdown(safeReport()).split('\n').find((l) => l.trim() !== '');
    expect(safeFirst).toMatch(/✅.*safe: none of the 2 changes blocks an account/);
  });

  it('writes well-formed tables: a separator row, and the same number of cells in every row', () => {
    const rows = md.split('\n');
    expect(rows).toContain('| variable | change | effect | accounts blocked |');
    const tables: string[][] = [];
    let current: string[] | undefined;
    for (const row of rows) {
      if (row.startsWith('|')) {
        if (!current) tables.push((current = []));
        current.push(row);
      } else current = undefined;
    }
    expect(tables.length).toBeGreaterThanOrEqual(2);
    for (const table of tables) {
      expect(table[1]).toMatch(/^\|(\s*:?-{3,}:?\s*\|)+$/);
      const width = cells(table[0] ?? '');
      for (const row of table) expect(cells(row), row).toBe(width);
    }
    expect(md).toContain('rate limited \\| Retry-After 1');
    expect(md).toMatch(/\| `SCIM_PAGE_SIZE` \| `100` → `500` \| blocks \| 312 \|/);
    expect(md).toMatch(/\| `SCIM_MAX_CONCURRENCY` \| `8` → `32` \| blocks \| 57 only with `SCIM_RATE_LIMIT_RPS` \|/);
  });
});

describe('renderRehearseJUnit', () => {
  const parse = (xml: string): Array<Record<string, unknown>> => {
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml) as { testsuites: { testsuite: { testcase: Array<Record<string, unknown>> } } };
    return doc.testsuites.testsuite.testcase;
  };

  it('has one test case per change plus unexplained, failing exactly for the blocking changes', () => {
    const cases = parse(renderRehearseJUnit(blockingReport()));
    expect(cases.map((c) => c['@name'])).toEqual(['SCIM_AUTH_TOKEN', 'SCIM_PAGE_SIZE', 'SCIM_MAX_CONCURRENCY', 'SCIM_RATE_LIMIT_RPS', 'SCIM_TIMEOUT_MS', 'SCIM_UPDATE_METHOD', 'unexplained']);
    expect(new Set(cases.map((c) => c['@classname']))).toEqual(new Set(['scimsim.rehearse']));
    expect(cases.filter((c) => 'failure' in c).map((c) => c['@name'])).toEqual(['SCIM_AUTH_TOKEN', 'SCIM_PAGE_SIZE', 'SCIM_MAX_CONCURRENCY', 'SCIM_RATE_LIMIT_RPS']);
    const page = cases[1]?.failure as Record<string, string>;
    expect(page['@message']).toBe('blocks 312 accounts');
    expect(page['#text']).toContain('312 × deactivate: 400 tooMany');
    expect(page['#text']).toContain(pageBlock.hint);
    const pair = cases[3]?.failure as Record<string, string>;
    expect(pair['@message']).toBe('blocks 57 accounts only together with SCIM_MAX_CONCURRENCY');
  });

  it('fails the unexplained case only when accounts are unexplained', () => {
    const cases = parse(renderRehearseJUnit({ ...blockingReport(), unexplained: 5 }));
    expect(cases.at(-1)).toMatchObject({ '@name': 'unexplained', failure: { '@message': '5 newly blocked accounts not explained' } });
    const safe = parse(renderRehearseJUnit(safeReport()));
    expect(safe.filter((c) => 'failure' in c)).toEqual([]);
    expect(safe.map((c) => c['@name'])).toEqual(['SCIM_TIMEOUT_MS', 'SCIM_UPDATE_METHOD', 'unexplained']);
  });
});

describe('secrets', () => {
  it('never print a raw token, nor any 8-character piece of one, in any format', () => {
    for (const report of [blockingReport(), { ...blockingReport(), alreadyBlocked: 2, unexplained: 1 }]) {
      for (const output of allOutputs(report)) {
        for (const raw of [OLD_TOKEN, NEW_TOKEN]) {
          expect(output).not.toContain(raw);
          for (let i = 0; i + 8 <= raw.length; i++) expect(output).not.toContain(raw.slice(i, i + 8));
        }
        expect(output).toContain(fingerprint(NEW_TOKEN));
      }
    }
  });
});

describe('cause sets, not-judged changes and the inconclusive verdict, in every format', () => {
  /** Nothing newly blocked; the timeout was not judged (a world without latency). */
  function inconclusiveReport(): RehearseReport {
    const report = safeReport();
    report.verdict = 'inconclusive';
    report.caveats = ['1 of 2 changes was not judged by this world'];
    report.changes = [
      change('SCIM_TIMEOUT_MS', '30000', '200', 'not-judged', { notJudgedBecause: 'the world has no latency', wouldJudge: 'a world with latency' }),
      change('SCIM_UPDATE_METHOD', 'patch', 'put', 'harmless'),
    ];
    return report;
  }

  /** The token blocks every account; 312 of them the page size would block as well. */
  function eitherReport(): RehearseReport {
    const report = blockingReport();
    report.attribution = [
      { ...tokenBlock, blocked: 2000 - 312, byStage: { create: 2000 - 312 } },
      { ...pageBlock, variables: ['SCIM_AUTH_TOKEN', 'SCIM_PAGE_SIZE'], causes: [['SCIM_AUTH_TOKEN'], ['SCIM_PAGE_SIZE']], alternatives: true, causeReasons: ['create: 401', 'deactivate: 400 tooMany'] },
    ];
    report.newlyBlocked = 2000;
    return report;
  }

  it('adds up in every format for every report shape', () => {
    for (const report of [blockingReport(), safeReport(), inconclusiveReport(), eitherReport()]) expectAddsUp(report);
  });

  it('shows an account blocked by either of two causes once, under a row naming both', () => {
    const table = renderRehearseTable(eitherReport(), plain);
    expect(table).toMatch(/┌ ~ SCIM_AUTH_TOKEN +fp:\w+ -> fp:\w+ +blocks 312 accounts, any one cause alone \(deactivate: 400 tooMany\)\n {2}│ or\n {2}└ ~ SCIM_PAGE_SIZE +100 -> 500 +\(alone: deactivate: 400 tooMany\)\n/);
    expect(renderRehearseMarkdown(eitherReport())).toContain('- `SCIM_PAGE_SIZE`: deactivate: 400 tooMany');
    const md = renderRehearseMarkdown(eitherReport());
    expect(md).toContain('<summary><code>SCIM_AUTH_TOKEN</code> or <code>SCIM_PAGE_SIZE</code> blocks 312 accounts (any one cause alone)</summary>');
    const json = JSON.parse(renderRehearseJson(eitherReport())) as { attribution: Array<{ causes: string[][]; alternatives: boolean }> };
    expect(json.attribution[1]).toMatchObject({ causes: [['SCIM_AUTH_TOKEN'], ['SCIM_PAGE_SIZE']], alternatives: true });
    const junit = renderRehearseJUnit(eitherReport());
    expect(junit.slice(junit.indexOf('name="SCIM_PAGE_SIZE"'))).toContain('blocks 312 accounts (as does SCIM_AUTH_TOKEN alone)');
  });

  it('lists a change the world cannot judge apart, never as harmless, and calls the verdict inconclusive', () => {
    const table = renderRehearseTable(inconclusiveReport(), plain);
    expect(table).toMatch(/not judged by this world[^\n]*\n {4}~ SCIM_TIMEOUT_MS +30000 -> 200 +the world has no latency; a world with latency would judge it\n/);
    expect(table.slice(table.indexOf('harmless ('), table.indexOf('not judged by'))).not.toContain('SCIM_TIMEOUT_MS');
    expect(table.trimEnd().split('\n').at(-1)).toBe('⚠ inconclusive: no account newly blocked, but 1 of 2 changes was not judged by this world');
    const md = renderRehearseMarkdown(inconclusiveReport());
    expect(md.split('\n')[0]).toBe('### scimsim rehearse: ⚠️ inconclusive: no account newly blocked, but 1 of 2 changes was not judged by this world');
    expect(md).toContain('- `SCIM_TIMEOUT_MS`: the world has no latency; a world with latency would judge it');
    const json = JSON.parse(renderRehearseJson(inconclusiveReport())) as { verdict: string; changes: Array<Record<string, unknown>> };
    expect(json.verdict).toBe('inconclusive');
    expect(json.changes[0]).toMatchObject({ effect: 'not-judged', notJudgedBecause: 'the world has no latency' });
    expect(json.changes[1]).not.toHaveProperty('notJudgedBecause');
    const junit = renderRehearseJUnit(inconclusiveReport());
    expect(junit).toContain('<skipped message="not judged by this world: the world has no latency; a world with latency would judge it"/>');
    expect(junit).toContain('skipped="1"');
  });
});
