import { moreNote, nextCursor, readCursor } from './paging';
import { ToolError } from './define-tool';

const page = (over: object = {}) => ({ items: [1, 2], page: 1, pageSize: 2, hasMore: true, ...over });

describe('opaque cursors', () => {
  it('round-trips the next page and Docebo’s own cursor for the same query', () => {
    const query = { q: 'python', limit: 2 };
    const cursor = nextCursor(page({ cursor: 'docebo-cursor' }), query)!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(readCursor(cursor, query)).toEqual({ page: 2, doceboCursor: 'docebo-cursor' });
    expect(readCursor(undefined, query)).toEqual({ page: 1 });
  });

  it('has no next cursor on the last page', () => {
    expect(nextCursor(page({ hasMore: false }), {})).toBeUndefined();
  });

  it('refuses a cursor of another query, and garbage, with a message that says what to do', () => {
    const cursor = nextCursor(page(), { q: 'a' })!;
    expect(() => readCursor(cursor, { q: 'b' })).toThrow(
      new ToolError('The cursor belongs to a different query; call the tool again without a cursor.'),
    );
    expect(() => readCursor('garbage', { q: 'a' })).toThrow(ToolError);
    expect(() => readCursor(Buffer.from('{"p":0,"q":"x"}').toString('base64url'), { q: 'a' })).toThrow(
      /not valid/,
    );
  });

  it('ends a list with how to get more', () => {
    expect(moreNote('c1', 20, 840)).toBe('\nShowing 20 of 840. More results: call again with cursor "c1".');
    expect(moreNote(undefined, 3)).toBe('\n3 result(s), no more pages.');
  });
});
