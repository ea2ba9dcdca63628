import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const COMMANDS = 'src/cli/commands';

describe('cli/commands', () => {
  it('never imports another command: shared flags live in cli/options', async () => {
    const files = (await readdir(COMMANDS)).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('run.ts');
    const crossings: string[] = [];
    for (const file of files) {
      const text = await readFile(join(COMMANDS, file), 'utf8');
      for (const match of text.matchAll(/from '\.\/([^']+)'/g)) crossings.push(`${file} -> ${match[1] ?? ''}`);
    }
    expect(crossings).toEqual([]);
  });
});
