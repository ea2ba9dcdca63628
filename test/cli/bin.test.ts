import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);

/** Runs the built binary the way users do: its own process, real stdout, real exit code. */
async function bin(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['dist/cli/bin.js', ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the scimsim binary', () => {
  it('prints its version and help', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    expect((await bin(['--version'])).stdout.trim()).toBe(version);
    const help = await bin(['check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--connect');
  });

  it('exits with the contract codes: 0 valid, 2 invalid, 1 unreadable', async () => {
    expect((await bin(['check', '--env', 'fixtures/env/baseline.env'])).code).toBe(0);
    expect((await bin(['check', '--env', 'fixtures/env/problems.env'])).code).toBe(2);
    expect((await bin(['check', '--env', 'fixtures/env/nope.env'])).code).toBe(1);
  });

  it('writes no colour when stdout is not a TTY, and none with NO_COLOR', async () => {
    const piped = await bin(['check', '--env', 'fixtures/env/problems.env']);
    expect(piped.stdout).not.toContain('\u001b[');
    const forced = await bin(['check', '--env', 'fixtures/env/problems.env'], { FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\u001b[');
    const noColor = await bin(['check', '--env', 'fixtures/env/problems.env'], { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(noColor.stdout).not.toContain('\u001b[');
  });

  it('adds its report to the step summary once when stdout is redirected there too (>> "$GITHUB_STEP_SUMMARY")', async () => {
    const summary = join(await mkdtemp(join(tmpdir(), 'scimsim-bin-summary-')), 'summary.md');
    const env = { ...process.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary };
    const fd = openSync(summary, 'a');
    try {
      const child = spawn(process.execPath, ['dist/cli/bin.js', 'check', '--env', 'fixtures/env/baseline.env', '--format', 'markdown'], { env, stdio: ['ignore', fd, 'ignore'] });
      const [code] = (await once(child, 'exit')) as [number];
      expect(code).toBe(0);
    } finally {
      closeSync(fd);
    }
    // A second command whose stdout goes elsewhere appends as usual.
    expect((await exec(process.execPath, ['dist/cli/bin.js', 'check', '--env', 'fixtures/env/baseline.env'], { env })).stdout).toContain('valid');
    const text = await readFile(summary, 'utf8');
    expect(text.match(/^### scimsim check/gm)).toHaveLength(2);
  });
});
