import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunJournal, readJournal, targetOf } from '../../src/target/journal.js';

describe('the run journal', () => {
  it('holds every create without a known id as an open intent, a rehire of the same name included, and survives a torn last line', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'scimsim-journal-'));
    const journal = new RunJournal(cwd, 'r1');
    journal.write({ op: 'start', runId: 'r1', marker: 'scimsim-r1', target: targetOf('https://scim.example.com/t1/scim/v2/'), at: '2026-11-30T00:00:00Z' });
    journal.intent('User', 'ada@example.com', 'scimsim-r1-0');
    journal.created('User', 'u1', 'ada@example.com');
    journal.intent('User', 'bob@example.com', 'scimsim-r1-1');
    journal.intent('User', 'ada@example.com', 'scimsim-r1-0');
    journal.intent('Group', 'scimsim-r1-group-1', undefined);
    journal.created('Group', 'g1', 'scimsim-r1-group-1');
    journal.write({ op: 'removed', kind: 'Group', id: 'g1', how: 'deleted' });
    await writeFile(journal.path, `${await readFile(journal.path, 'utf8')}{"op":"created","kind":"Us`);
    const state = readJournal(journal.path);
    expect(state.target).toBe('https://scim.example.com/t1/scim/v2');
    expect(state.users).toEqual(['u1']);
    expect(state.groups).toEqual([]);
    expect(state.open).toEqual([
      { kind: 'User', name: 'bob@example.com', externalId: 'scimsim-r1-1' },
      { kind: 'User', name: 'ada@example.com', externalId: 'scimsim-r1-0' },
    ]);
    expect(state.inFlight).toBe(2);
  });

  it('records a target as origin and SCIM root only: no credentials, no query', () => {
    expect(targetOf('https://user:secret@scim.example.com:8443/scim/v2/?token=abc#x')).toBe('https://scim.example.com:8443/scim/v2');
  });
});
