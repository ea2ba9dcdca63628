import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scimsim, tempDir } from '../helpers/live.js';

/**
 * A target that answers every request 429 with `Retry-After: 3600`: the run waits at most the
 * cap, never an hour, and SIGINT during that wait ends it with a partial report and exit 130.
 * Spawned, since the signal must reach a process of its own.
 */
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function startThrottler(retryAfter: string): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(429, { 'retry-after': retryAfter, 'content-type': 'application/scim+json' });
    res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: 'slow down' }));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('Retry-After on a live target', () => {
  it.each([['3600'], ['999999999999999999999999'], ['Fri, 31 Dec 9999 23:59:59 GMT']])(
    'an interrupt during a Retry-After of %s stops the run with a partial report and exit 130',
    async (retryAfter) => {
      const origin = await startThrottler(retryAfter);
      const dir = await tempDir('scimsim-retry-after-');
      await writeFile(join(dir, 'live.env'), `SCIM_API_BASE_URL=${origin}/scim/v2\nSCIM_AUTH_TOKEN=stg-throttled-1a2b3c4d5e6f\nSCIM_MAX_RETRIES=3\n`);
      let sent = false;
      const done = await scimsim(['run', '--target', 'live', '--env', join(dir, 'live.env'), '--users', '5', '--format', 'json'], {
        cwd: dir,
        onStderr: (text, child) => {
          if (!sent && text.includes('run id:')) {
            sent = true;
            // Every request is now waiting out its Retry-After.
            setTimeout(() => child.kill('SIGINT'), 300);
          }
        },
      });
      expect(sent).toBe(true);
      expect(done.stderr).not.toMatch(/TimeoutOverflowWarning|internal error/);
      expect(done.code).toBe(130);
      expect((JSON.parse(done.stdout) as { partial: boolean }).partial).toBe(true);
    },
    60_000,
  );
});
