import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Relative imports of every .ts file under `dir`, as `file -> import`. */
function importsUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    for (const match of readFileSync(path, 'utf8').matchAll(/from '(\.[^']+)'/g)) found.push(`${path} -> ${match[1] ?? ''}`);
  }
  return found;
}

describe('the target layer', () => {
  it('depends on scim, mock and env only: run, load, rehearse, report and cli stay above it', () => {
    const upward = importsUnder('src/target').filter((line) => /-> \.\.\/(run|load|rehearse|rotate|report|cli|attribution)\//.test(line));
    expect(upward).toEqual([]);
  });

  it('is where scimsim cleanup gets its client: the command builds none of its own', () => {
    const own = importsUnder('src/cli/commands').filter((line) => line.startsWith(join('src/cli/commands/cleanup.ts')) && /scim\/(client|transports)\//.test(line));
    expect(own).toEqual([]);
  });
});
