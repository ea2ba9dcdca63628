import { mkdir, mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadJson } from '../../src/load/report.js';
import { breakableCode, code, html, page as htmlPage, table } from '../../src/report/html/html.js';
import { figure, stackedBarChart } from '../../src/report/html/svg.js';
import { runScimsim } from '../helpers/run-cli.js';

/**
 * The HTML reports in a real headless Chromium. vitest.config.ts leaves this file out on a
 * machine without the browser (.ci/run installs it), so nothing in it is ever skipped.
 */
const EXECUTABLE = process.env.SCIMSIM_CHROMIUM ?? '/usr/bin/chromium-headless-shell';
/** The page is served from this made-up origin through the route below, so every request is seen. */
const ORIGIN = 'http://scimsim-report.test';
/** Screenshots for a human to look at; the folder is ignored by git. */
const ARTIFACTS = join(process.cwd(), 'test', 'artifacts', 'html');
/** A busy 2-core machine: generous, and no assertion is about time. */
const SLOW = 60_000;

const BASELINE = 'fixtures/env/baseline.env';
const CANDIDATE = 'fixtures/env/candidate.env';

interface Generated {
  html: string;
  json: Record<string, unknown>;
}

let browser: Browser;
const reports = new Map<'rehearse' | 'run' | 'load', Generated>();

async function generate(name: 'rehearse' | 'run' | 'load', args: string[], dir: string): Promise<void> {
  const json = join(dir, `${name}.json`);
  const result = await runScimsim([...args, '--format', 'html', '--report', `json=${json}`]);
  expect([0, 2], result.stderr).toContain(result.code);
  reports.set(name, { html: result.stdout, json: JSON.parse(await readFile(json, 'utf8')) as Record<string, unknown> });
}

function report(name: 'rehearse' | 'run' | 'load'): Generated {
  const generated = reports.get(name);
  if (!generated) throw new Error(`no ${name} report was generated`);
  return generated;
}

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'scimsim-html-browser-'));
  await generate('rehearse', ['rehearse', '--base', BASELINE, '--candidate', CANDIDATE, '--users', '60', '--workers', '1'], dir);
  await generate('run', ['run', '--env', CANDIDATE, '--users', '80'], dir);
  await generate('load', ['load', '--env', BASELINE, '--rate', '10', '--duration', '4s', '--threshold', 'errors.rate<0.5', '--threshold', 'create.p95<1'], dir);
  browser = await chromium.launch({ executablePath: EXECUTABLE, args: ['--no-sandbox'] });
}, 3 * SLOW);

afterAll(async () => {
  await browser?.close();
});

/** A page of the report, with every request it makes recorded and none but the page itself answered. */
async function open(name: 'rehearse' | 'run' | 'load', javaScriptEnabled: boolean): Promise<{ page: Page; requests: string[]; failed: string[]; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1000, height: 900 } });
  const url = `${ORIGIN}/${name}.html`;
  const requests: string[] = [];
  const failed: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', async (route) => {
    const requested = route.request().url();
    if (requested === url) {
      await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: report(name).html });
      return;
    }
    requests.push(requested);
    await route.abort();
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('requestfailed', (request) => failed.push(request.url()));
  const response = await page.goto(url, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  return { page, requests, failed, errors, close: () => context.close() };
}

/** The rows of a report table, each as its cells' text. */
async function rows(page: Page, table: string): Promise<string[][]> {
  const out: string[][] = [];
  for (const row of await page.locator(`table[data-table="${table}"] tbody tr`).all()) out.push((await row.locator('th, td').allInnerTexts()).map((t) => t.trim()));
  return out;
}

/** A chart as the browser has it: role, name, series, bar categories and drawn size. */
async function chart(page: Page, id: string): Promise<{ role: string | null; label: string | null; series: string[]; categories: string[]; width: number; height: number }> {
  const svg = page.locator(`svg[data-chart="${id}"]`);
  await expect(svg.count()).resolves.toBe(1);
  const series: string[] = [];
  for (const g of await svg.locator('g[data-series]').all()) series.push((await g.getAttribute('data-series')) ?? '');
  const categories: string[] = [];
  for (const rect of await svg.locator('rect[data-category]').all()) {
    const category = (await rect.getAttribute('data-category')) ?? '';
    if (!categories.includes(category)) categories.push(category);
  }
  const box = await svg.boundingBox();
  return { role: await svg.getAttribute('role'), label: await svg.getAttribute('aria-label'), series, categories, width: box?.width ?? 0, height: box?.height ?? 0 };
}

/** The tables wider than the page's column (main, less its padding): a long userName or value that cannot wrap. */
async function overflowing(page: Page): Promise<string[]> {
  return page.locator('main').evaluate((main) => {
    const style = main.ownerDocument.defaultView?.getComputedStyle(main);
    const right = main.getBoundingClientRect().right - parseFloat(style?.paddingRight ?? '0');
    return [...main.querySelectorAll('table')].filter((t) => t.getBoundingClientRect().right > right + 0.5).map((t) => t.getAttribute('data-table') ?? '?');
  });
}

/** A screenshot of the whole page, checked to be a PNG with content. */
async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  const bytes = await readFile(path);
  expect((await stat(path)).size).toBeGreaterThan(1000);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
}

interface RehearseJson {
  newlyBlocked: number;
  attribution: Array<{ causes: string[][]; blocked: number; examples: Array<{ userName: string }> }>;
}
interface RunJson {
  result: { blocked: number; unverified: number; reasons: Array<{ count: number; status?: number; scimType?: string; error?: string }> };
}

describe('HTML reports in headless Chromium', () => {
  describe('with JavaScript disabled, the tables and charts are there to read', () => {
    it('rehearse', { timeout: SLOW }, async () => {
      const json = report('rehearse').json as unknown as RehearseJson;
      const { page, requests, close } = await open('rehearse', false);
      try {
        await expect(page.locator('[data-verdict]').innerText()).resolves.toContain(`block ${json.newlyBlocked} of 60 accounts`);
        const attribution = await rows(page, 'attribution');
        expect(attribution.map((r) => Number(r[1]))).toEqual(json.attribution.map((a) => a.blocked));
        expect(attribution[0]?.[4]).toContain(json.attribution[0]?.examples[0]?.userName);
        expect((await rows(page, 'changes')).map((r) => r[0])).toContain('SCIM_AUTH_TOKEN');
        const bars = await chart(page, 'blocked-by-cause');
        expect(bars.width).toBeGreaterThan(300);
        expect(await overflowing(page)).toEqual([]);
        // Variable names stay whole: each sits on one line.
        const lines = await page.locator('table[data-table="changes"] tbody th code').evaluateAll((codes) => codes.map((c) => [c.textContent, c.getClientRects().length]));
        expect(lines.length).toBeGreaterThan(0);
        for (const [name, count] of lines) expect(count, String(name)).toBe(1);
        expect(requests).toEqual([]);
      } finally {
        await close();
      }
    });

    it('run', { timeout: SLOW }, async () => {
      const json = report('run').json as unknown as RunJson;
      const { page, close } = await open('run', false);
      try {
        const counts = new Map((await rows(page, 'counts')).map((r) => [r[0], Number((r[1] ?? '').replace(/,/g, ''))]));
        expect(counts.get('blocked')).toBe(json.result.blocked);
        expect(counts.get('unverified (state could not be read back)')).toBe(json.result.unverified);
        expect((await rows(page, 'reasons')).map((r) => Number(r[0]))).toEqual(json.result.reasons.map((r) => r.count));
        expect((await chart(page, 'blocked-by-stage')).height).toBeGreaterThan(100);
        expect(await overflowing(page)).toEqual([]);
      } finally {
        await close();
      }
    });

    it('load', { timeout: SLOW }, async () => {
      const json = report('load').json as unknown as LoadJson;
      const { page, close } = await open('load', false);
      try {
        const thresholds = await rows(page, 'thresholds');
        expect(thresholds.map((r) => [r[0], r[2]?.includes('pass') ? 'pass' : 'fail']).sort()).toEqual(json.thresholds.map((t) => [t.expression, t.ok ? 'pass' : 'fail']).sort());
        const operations = await rows(page, 'operations');
        expect(operations.at(-1)?.[0]).toBe('all');
        expect(Number(operations.at(-1)?.[1])).toBe(json.totals.operations);
        expect((await chart(page, 'throughput')).width).toBeGreaterThan(300);
      } finally {
        await close();
      }
    });
  });

  describe('with JavaScript enabled: no console error, no request but the page, the charts with the right series', () => {
    it('rehearse', { timeout: SLOW }, async () => {
      const json = report('rehearse').json as unknown as RehearseJson;
      const { page, requests, failed, errors, close } = await open('rehearse', true);
      try {
        const bars = await chart(page, 'blocked-by-cause');
        expect(bars.role).toBe('img');
        expect(bars.label).toBe('Newly blocked accounts per cause, by stage');
        // A bar per cause row, stacked by stage.
        expect(bars.categories).toEqual(json.attribution.map((a) => a.causes.map((set) => set.join(' + ')).join(' or ')));
        expect(bars.series).toEqual(['create']);
        await screenshot(page, 'rehearse');
        expect({ requests, failed, errors }).toEqual({ requests: [], failed: [], errors: [] });
      } finally {
        await close();
      }
    });

    it('run', { timeout: SLOW }, async () => {
      const json = report('run').json as unknown as RunJson;
      const { page, requests, failed, errors, close } = await open('run', true);
      try {
        const bars = await chart(page, 'blocked-by-stage');
        expect(bars.role).toBe('img');
        const names = [...new Set(json.result.reasons.map((r) => r.error ?? [r.status, r.scimType].filter((x) => x !== undefined).join(' ')))];
        expect(bars.series.sort()).toEqual(names.sort());
        expect(bars.categories.length).toBeGreaterThan(0);
        await screenshot(page, 'run');
        expect({ requests, failed, errors }).toEqual({ requests: [], failed: [], errors: [] });
      } finally {
        await close();
      }
    });

    it('load', { timeout: SLOW }, async () => {
      const json = report('load').json as unknown as LoadJson;
      const { page, requests, failed, errors, close } = await open('load', true);
      try {
        const ran = Object.entries(json.operations).filter(([, o]) => o.count > 0).map(([op]) => op);
        expect(ran.length).toBeGreaterThanOrEqual(3);
        // One series per operation that ran, named as the report names them.
        expect((await chart(page, 'throughput')).series).toEqual(ran);
        expect((await chart(page, 'throttled')).series).toEqual(ran);
        for (const op of ran) {
          const latency = await chart(page, `latency-${op}`);
          expect(latency.series).toEqual(['p50', 'p95', 'p99']);
          expect(latency.label).toContain(op);
          expect(latency.width).toBeGreaterThan(300);
        }
        // Each iteration-latency threshold is a labelled line on its operation's chart, and only there.
        await expect(page.locator('svg[data-chart="latency-create"] [data-reference]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-reference')))).resolves.toEqual(['create.p95<1']);
        await expect(page.locator('svg[data-chart="latency-create"] .reference text').textContent()).resolves.toBe('create.p95<1');
        await expect(page.locator('svg[data-chart^="latency-"]:not([data-chart="latency-create"]) [data-reference]').count()).resolves.toBe(0);
        // A tooltip per window with operations on each line.
        const dots = await page.locator('svg[data-chart="latency-create"] g[data-series="p95"] circle').count();
        expect(dots).toBe(json.windows?.operations.create.length);
        await screenshot(page, 'load');
        expect({ requests, failed, errors }).toEqual({ requests: [], failed: [], errors: [] });
      } finally {
        await close();
      }
    });
  });

  it('sets long cause labels beside their bars, whole and inside the chart', { timeout: SLOW }, async () => {
    const names = ['SCIM_AUTH_TOKEN', 'SCIM_MAX_CONCURRENCY', 'SCIM_RATE_LIMIT_RPS', 'SCIM_UPDATE_METHOD', 'SCIM_USER_MATCH_ATTRIBUTE', 'SCIM_DEACTIVATION_MODE', 'SCIM_USERNAME_DOMAIN', 'SCIM_PAGE_SIZE', 'SCIM_TIMEOUT_MS'];
    // A cause per name, then the longest combinations a rehearsal writes: `A or B + C + …`.
    const categories = [...names, ...names.slice(1).map((_, k) => `${names[0]} or ${names.slice(1, k + 2).join(' + ')}`)];
    const svg = stackedBarChart({ id: 'long', title: 'Long labels', categories, series: [{ name: 'create', values: categories.map((_, k) => k + 1) }], unit: 'accounts' });
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1000, height: 900 } });
    try {
      const tab = await context.newPage();
      await tab.setContent(htmlPage('Long labels', figure(svg)));
      const chartBox = await tab.locator('svg[data-chart="long"]').boundingBox();
      const axisX = Number(await tab.locator('svg[data-chart="long"] line.axis').getAttribute('x1'));
      expect(chartBox).not.toBeNull();
      const labels = tab.locator('svg[data-chart="long"] text[data-category-label]');
      expect(await labels.count()).toBe(categories.length);
      let previousBottom = -Infinity;
      for (const [k, label] of (await labels.all()).entries()) {
        const box = await label.boundingBox();
        expect(box, categories[k]).not.toBeNull();
        if (!box || !chartBox) continue;
        // Not cut off at the chart's left edge, clear of the bars, and not over the label above.
        expect(box.x, categories[k]).toBeGreaterThanOrEqual(chartBox.x);
        expect(box.x + box.width, categories[k]).toBeLessThanOrEqual(chartBox.x + axisX);
        expect(box.y, categories[k]).toBeGreaterThanOrEqual(previousBottom - 0.5);
        previousBottom = box.y + box.height;
        // Every word of a label up to three lines long is shown.
        const shown = await label.evaluate((text) => [...text.childNodes].filter((node) => node.nodeName !== 'title').map((node) => node.textContent ?? '').join(' '));
        if (!shown.endsWith('…')) expect(shown, categories[k]).toBe(categories[k]);
      }
    } finally {
      await context.close();
    }
  });

  it('breaks a long userName in a table cell before its @ rather than widening the page', { timeout: SLOW }, async () => {
    // A cause row as a rehearsal of the demo's candidate writes it: every column holds a long word.
    const example = (userName: string, id: number) => html`${breakableCode(userName)} <span class="note">(scimsim-mock-1-${id}; create, 401)</span>`;
    const body = table({
      id: 'wide',
      head: ['cause', 'accounts', 'by stage', 'reasons', 'example accounts', 'what to do'],
      rows: [
        [
          html`${code('SCIM_AUTH_TOKEN')} or ${code('SCIM_PAGE_SIZE')} or ${code('SCIM_MAX_CONCURRENCY')} + ${code('SCIM_RATE_LIMIT_RPS')} + ${code('SCIM_UPDATE_METHOD')}`,
          '4',
          'create 4',
          html`create: 401 (Authorization failed: the token is not valid): 4<br><span class="note">SCIM_MAX_CONCURRENCY + SCIM_RATE_LIMIT_RPS + SCIM_UPDATE_METHOD alone: create: 429, update: 429</span>`,
          html`${example('meredith.bechtelar.34@example.com', 34)}<br>${example('joelle.renner-kohler.266@example.com', 266)}`,
          'the token was rejected: check SCIM_AUTH_TOKEN (or the OAuth client) against what the target accepts now; run scimsim check --connect',
        ],
      ],
    });
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1000, height: 900 } });
    try {
      const tab = await context.newPage();
      await tab.setContent(htmlPage('Wide table', body));
      expect(await overflowing(tab)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
