import { describe, expect, it } from 'vitest';
import { STAGES, type Stage } from '../../src/run/ledger.js';
import { renderRunHtml } from '../../src/report/html/run.js';
import type { RunReport } from '../../src/report/run-report.js';
import { renderRunJson } from '../../src/report/run-json.js';
import { renderRunJUnit } from '../../src/report/run-junit.js';
import { renderRunMarkdown } from '../../src/report/run-markdown.js';
import { renderRunTable } from '../../src/report/run-table.js';
import { createColors } from '../../src/report/style.js';

/** A live run that blocked nothing but could not read 17 accounts back, and left one user behind. */
function report(blocked: number): RunReport {
  const byStage = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  byStage.create = blocked;
  return {
    scenario: 'lifecycle',
    dialect: 'rfc',
    users: 50,
    seed: 1,
    target: 'live',
    runId: '20261130-abcdef',
    partial: false,
    capped: false,
    live: {
      journal: '.scimsim/runs/20261130-abcdef.jsonl',
      kept: false,
      cleanup: { users: { removed: 49, deactivated: 0, gone: 0 }, groups: { removed: 5, gone: 0 }, clean: false, left: [{ kind: 'User', id: 'u-17', reason: '503' }] },
    },
    summary: { users: 50, blocked, unverified: 17, byStage, reasons: [], requests: 400, retries: 0 },
    accounts: new Map(),
    hints: [],
    timing: { simulatedMs: 0, wallMs: 0 },
  };
}

describe('unverified accounts in every run format', () => {
  it('make the JSON verdict inconclusive and count under result.unverified; cleanup says clean and what is left', () => {
    const json = JSON.parse(renderRunJson(report(0))) as { verdict: string; result: { unverified: number }; cleanup: { clean: boolean; left: unknown[] } };
    expect(json.verdict).toBe('inconclusive');
    expect(json.result.unverified).toBe(17);
    expect(json.cleanup.clean).toBe(false);
    expect(json.cleanup.left).toEqual([{ kind: 'User', id: 'u-17', reason: '503' }]);
    expect((JSON.parse(renderRunJson(report(2))) as { verdict: string }).verdict).toBe('blocks-accounts');
  });

  it('show in the table, the markdown and a failing JUnit read-back case', () => {
    const table = renderRunTable(report(0), createColors(false));
    expect(table).toMatch(/unverified\s*│\s*17/);
    expect(table).toContain('inconclusive');
    expect(table).not.toContain('✔ safe');
    expect(table).toContain('1 left on the target (User u-17: 503)');
    const markdown = renderRunMarkdown(report(0));
    expect(markdown).toContain('**inconclusive**');
    expect(markdown).toContain('| *unverified* | 17 |');
    const junit = renderRunJUnit(report(0));
    expect(junit).toMatch(/<testcase name="read-back" classname="scimsim.run">\s*<failure message="17 accounts unverified"/);
  });
});

describe('a partial run that blocked nothing', () => {
  it('is inconclusive, not safe, in every format, and says the run stopped before the scenario finished (JUnit: a failing case)', () => {
    const partial: RunReport = { ...report(0), partial: true, summary: { ...report(0).summary, unverified: 0 } };
    expect((JSON.parse(renderRunJson(partial)) as { verdict: string }).verdict).toBe('inconclusive');
    for (const text of [renderRunTable(partial, createColors(false)), renderRunMarkdown(partial), renderRunHtml(partial)]) {
      expect(text).toContain('inconclusive');
      expect(text).toContain('the run stopped before the scenario finished (partial)');
      expect(text).not.toMatch(/safe: no account blocked/);
    }
    // CI reading JUnit sees it fail too.
    expect(renderRunJUnit(partial)).toMatch(/<testcase name="scenario"[^>]*>\s*<failure message="partial run"/);
    expect(renderRunJUnit({ ...partial, partial: false })).not.toContain('name="scenario"');
    // Finished and fully read back, the same run is safe.
    const finished: RunReport = { ...partial, partial: false };
    expect((JSON.parse(renderRunJson(finished)) as { verdict: string }).verdict).toBe('safe');
  });
});
