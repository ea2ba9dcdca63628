import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScimsim } from '../helpers/run-cli.js';

describe('the README’s complete event connector', () => {
  it('provisions the whole lifecycle as intended: read back, nothing blocked', async () => {
    const readme = await readFile('README.md', 'utf8');
    const code = /```js\n(\/\/ connector\.mjs:[\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-readme-'));
    await writeFile(join(dir, 'connector.mjs'), code as string);
    const result = await runScimsim([
      'run', '--env', 'examples/connectors/event-fetch/staging.env', '--alias-file', 'examples/connectors/event-fetch/aliases.env',
      '--connector', join(dir, 'connector.mjs'), '--server-profile', 'fixtures/servers/default.json', '--users', '200', '--format', 'json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'safe', result: { blocked: 0, unverified: 0 }, connector: { kind: 'event', refused: [] } });
  });
});
