import { describe, expect, it } from 'vitest';
import { Pager, type Page } from '../../src/scim/pager.js';

/** A server of `total` resources that caps pages at `cap` and may lie in the ways real ones do. */
function serve(total: number, cap: number, lie: { echoCount?: boolean; ignoreStartIndex?: boolean; stopAt?: number; claim?: number } = {}) {
  return (startIndex: number, count: number): Page => {
    const from = lie.ignoreStartIndex ? 1 : startIndex;
    const end = Math.min(total, lie.stopAt ?? total, from - 1 + Math.min(count, cap));
    const resources = Array.from({ length: Math.max(0, end - from + 1) }, (_, k) => ({ id: `u${from + k}` }));
    return { resources, totalResults: lie.claim ?? total, itemsPerPage: lie.echoCount ? count : resources.length };
  };
}

function drain(server: (startIndex: number, count: number) => Page, count: number): { ids: string[]; pager: Pager; pages: number } {
  const pager = new Pager();
  const ids: string[] = [];
  let pages = 0;
  while (!pager.done && pages < 1000) {
    const page = server(pager.startIndex, count);
    pages++;
    for (const r of page.resources) ids.push((r as { id: string }).id);
    pager.advance(page);
  }
  return { ids, pager, pages };
}

describe('paging by what the server returned', () => {
  it('gets every resource once from a page cap below count with itemsPerPage echoing count, and notes the lie', () => {
    const { ids, pager, pages } = drain(serve(237, 50, { echoCount: true }), 100);
    expect(new Set(ids).size).toBe(237);
    expect(ids).toHaveLength(237);
    expect(pages).toBe(5);
    expect(pager.unreliable).toBeUndefined();
    expect(pager.note).toContain('itemsPerPage says 100 but 50');
  });

  it('stops at totalResults on an honest server, with no note', () => {
    const { ids, pager, pages } = drain(serve(200, 1000), 100);
    expect(ids).toHaveLength(200);
    expect(pages).toBe(2);
    expect(pager.unreliable).toBeUndefined();
    expect(pager.note).toBeUndefined();
  });

  it('flags a server that repeats its first page and stops instead of looping', () => {
    const { pager, pages } = drain(serve(300, 100, { ignoreStartIndex: true }), 100);
    expect(pager.unreliable).toContain('repeated');
    expect(pages).toBe(2);
  });

  it('flags a server that sends fewer resources than it claims', () => {
    const { ids, pager } = drain(serve(300, 100, { stopAt: 150 }), 100);
    expect(ids).toHaveLength(150);
    expect(pager.unreliable).toContain('promised 300');
  });

  it('flags a server that sends more resources than it claims', () => {
    const { pager } = drain(serve(300, 100, { claim: 250 }), 100);
    expect(pager.unreliable).toContain('promised 250');
  });
});
