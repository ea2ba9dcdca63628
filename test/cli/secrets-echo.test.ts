import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';
import { tempDir } from '../helpers/live.js';
import { runScimsim } from '../helpers/run-cli.js';

/**
 * Every command in every format against a loopback server that echoes the credentials it gets in
 * every error field it has (SCIM detail and scimType, OAuth error and error_description,
 * WWW-Authenticate, an HTML page). No secret may leave the process in any encoding: not on stdout
 * or stderr, not in a report file, not in a journal.
 */
const TOKEN = 'tok-Zq8/Wx+7vR=k9&p_a1b2c3';
const NEXT_TOKEN = 'tok-Yy7/Qq+5uT=m3&z_d4e5f6';
const CLIENT_ID = 'scimsim client';
const CLIENT_SECRET = 'cs-Hh3/Jk+9Ll=Mm&q_778899';
const SIGNING_KEY = 'sign-Kp29xQ77LmZ0aa';
const USERINFO_PASSWORD = 'pw-S3cretUserinfo42';
const QUERY_TOKEN = 'qtok-998877aabbccdd';

/** Each secret in each form it travels in: raw, percent-encoded, as a Bearer value, base64, and inside Basic credentials. */
function encodings(): Map<string, string> {
  const forms = new Map<string, string>();
  for (const secret of [TOKEN, NEXT_TOKEN, CLIENT_SECRET, SIGNING_KEY, USERINFO_PASSWORD, QUERY_TOKEN]) {
    const b64 = Buffer.from(secret).toString('base64');
    forms.set(`${secret.slice(0, 6)} raw`, secret);
    forms.set(`${secret.slice(0, 6)} url-encoded`, encodeURIComponent(secret));
    forms.set(`${secret.slice(0, 6)} bearer`, `Bearer ${secret}`);
    forms.set(`${secret.slice(0, 6)} base64`, b64);
    forms.set(`${secret.slice(0, 6)} base64 unpadded`, b64.replace(/=+$/, ''));
    // A mask that stops inside a secret leaves a part of it: its first and last ten characters count as leaks too.
    forms.set(`${secret.slice(0, 6)} head`, secret.slice(0, 10));
    forms.set(`${secret.slice(0, 6)} tail`, secret.slice(-10));
  }
  forms.set('basic id:secret', Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'));
  forms.set('basic encoded id:secret', Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64'));
  return forms;
}

let server: EchoServer;
let dir: string;
beforeAll(async () => {
  server = await startEchoServer();
  dir = await tempDir('scimsim-echo-');
  const base = `${server.origin}/scim/v2`;
  await writeFile(join(dir, 'bearer.env'), [`SCIM_API_BASE_URL=${base}`, `SCIM_AUTH_TOKEN="${TOKEN}"`, 'SCIM_TENANT_ID=${SCIM_AUTH_TOKEN}', `SCIM_SIGNING_KEY=${SIGNING_KEY}`, 'SCIM_MAX_RETRIES=0', ''].join('\n'));
  await writeFile(join(dir, 'next.env'), [`SCIM_API_BASE_URL=${base}`, `SCIM_AUTH_TOKEN="${NEXT_TOKEN}"`, 'SCIM_PAGE_SIZE=50', 'SCIM_MAX_RETRIES=0', ''].join('\n'));
  await writeFile(
    join(dir, 'oauth.env'),
    [`SCIM_API_BASE_URL=${base}`, 'SCIM_AUTH_MODE=oauth2', `SCIM_OAUTH_TOKEN_URL=${server.origin}/oauth/token`, `SCIM_OAUTH_CLIENT_ID=${CLIENT_ID}`, `SCIM_OAUTH_CLIENT_SECRET="${CLIENT_SECRET}"`, 'SCIM_MAX_RETRIES=0', ''].join('\n'),
  );
  await writeFile(join(dir, 'in-path.env'), [`SCIM_API_BASE_URL=${server.origin}/scim/\${SCIM_AUTH_TOKEN}/v2`, `SCIM_AUTH_TOKEN="${TOKEN}"`, 'SCIM_MAX_RETRIES=0', ''].join('\n'));
  // A report file that already exists, readable by everyone: rewriting it makes it private.
  await writeFile(join(dir, 'out-run-table'), 'old report\n', { mode: 0o644 });
  await writeFile(join(dir, 'url.env'), [`SCIM_API_BASE_URL=http://ops:${USERINFO_PASSWORD}@127.0.0.1:9/scim/v2?access_token=${QUERY_TOKEN}`, `SCIM_AUTH_TOKEN="${TOKEN}"`, ''].join('\n'));
});
afterAll(async () => {
  await server.close();
});

describe('secrets against a server that echoes credentials', () => {
  it('leave the process in no output, report file or journal, in any encoding', async () => {
    const env = (name: string): string => join(dir, name);
    const out = (name: string): string[] => ['--out', join(dir, `out-${name}`)];
    const runs: string[][] = [];
    for (const format of ['table', 'json']) {
      runs.push(['check', '--env', env('bearer.env'), '--connect', '--format', format, ...out(`check-bearer-${format}`)]);
      runs.push(['check', '--env', env('oauth.env'), '--connect', '--format', format, ...out(`check-oauth-${format}`)]);
      runs.push(['check', '--env', env('url.env'), '--format', format, ...out(`check-url-${format}`)]);
    }
    runs.push(['check', '--env', env('url.env'), '--debug']);
    for (const format of ['table', 'json', 'markdown']) {
      runs.push(['diff', '--base', env('bearer.env'), '--candidate', env('next.env'), '--format', format, ...out(`diff-${format}`)]);
      runs.push(['diff', '--base', env('url.env'), '--candidate', env('oauth.env'), '--format', format]);
    }
    for (const format of ['table', 'json', 'markdown', 'junit']) {
      runs.push(['run', '--target', 'live', '--env', env('bearer.env'), '--users', '3', '--format', format, ...out(`run-${format}`)]);
      runs.push(['load', '--target', 'live', '--env', env('bearer.env'), '--rate', '4', '--duration', '1s', '--format', format, ...out(`load-${format}`)]);
    }
    runs.push(['run', '--target', 'live', '--env', env('oauth.env'), '--users', '3', '--format', 'json', ...out('run-oauth')]);
    runs.push(['run', '--target', 'live', '--env', env('in-path.env'), '--users', '3', '--format', 'markdown', ...out('run-in-path')]);
    runs.push(['run', '--env', env('url.env'), '--debug']);
    for (const format of ['table', 'json']) {
      runs.push(['rotate', '--target', 'live', '--env', env('bearer.env'), '--next', env('next.env'), '--rate', '4', '--duration', '2s', '--format', format, ...out(`rotate-${format}`)]);
    }
    for (const shard of ['1', '2']) {
      runs.push(['load', '--target', 'live', '--env', env('oauth.env'), '--rate', '4', '--duration', '1s', '--format', 'json', '--shard', `${shard}/2`, ...out(`load-oauth-${shard}`)]);
    }
    for (const format of ['table', 'json']) runs.push(['report', 'merge', join(dir, 'out-load-oauth-1'), join(dir, 'out-load-oauth-2'), '--format', format]);
    runs.push(['rehearse', '--target', 'live', '--base', env('bearer.env'), '--candidate', env('next.env'), '--users', '3', '--format', 'json', ...out('rehearse-json')]);
    runs.push(['rehearse', '--target', 'live', '--base', env('bearer.env'), '--candidate', env('next.env'), '--users', '3', ...out('rehearse-table')]);
    runs.push(['cleanup', '--env', env('bearer.env'), '--all']);

    let output = '';
    for (const args of runs) {
      const result = await runScimsim(args, { cwd: dir });
      expect(result.stderr, args.join(' ')).not.toMatch(/internal error/);
      output += `\n${args.join(' ')}\n${result.stdout}${result.stderr}`;
    }
    const files: string[] = [];
    for (const name of await readdir(dir)) if (name.startsWith('out-')) files.push(join(dir, name));
    for (const name of await readdir(join(dir, '.scimsim', 'runs'))) files.push(join(dir, '.scimsim', 'runs', name));
    expect(files.some((f) => f.endsWith('.jsonl'))).toBe(true);
    for (const file of files) {
      output += await readFile(file, 'utf8');
      expect((await stat(file)).mode & 0o777, `${file} is readable by others`).toBe(0o600);
    }
    // The server did echo: the runs met its error text, so scrubbing is what kept the secrets out.
    expect(output).toContain('Authorization failed for');
    expect(output).toContain('fp:');
    for (const [form, text] of encodings()) expect(output, `${form} leaked`).not.toContain(text);
  }, 180_000);
});
