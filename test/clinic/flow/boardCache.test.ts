import { describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../src/auth/principal.js';
import type { FlowBoard } from '../../../src/clinic/flow/board.js';
import { accessKey, BoardCache } from '../../../src/clinic/flow/boardCache.js';
import type { FlowFeed } from '../../../src/clinic/flow/liveFeed.js';

/** A feed whose version the test moves: `undefined` is a process that is not listening. */
function fakeFeed(state: { version: number | undefined }): FlowFeed {
  return { versionOf: () => state.version } as unknown as FlowFeed;
}

const board = (n: number): FlowBoard => ({
  date: `2026-11-${n}`,
  timeZone: 'UTC',
  thresholds: {},
  rows: [],
  rooms: [],
});

describe('the board cache', () => {
  const who = systemPrincipal('p1', 'test');

  it('computes once for concurrent requests of one access, again after a change is heard', async () => {
    const state = { version: 0 as number | undefined };
    let clock = 0;
    const cache = new BoardCache(fakeFeed(state), () => clock);
    let computed = 0;
    const compute = () => Promise.resolve(board(++computed));
    const first = await Promise.all([1, 2, 3].map(() => cache.get('p1', 'site', undefined, who, compute)));
    expect(computed).toBe(1);
    expect(first.map((b) => b.date)).toEqual(['2026-11-1', '2026-11-1', '2026-11-1']);
    state.version = 1;
    expect((await cache.get('p1', 'site', undefined, who, compute)).date).toBe('2026-11-2');
    // At most a second old even with no change heard.
    clock = 999;
    expect((await cache.get('p1', 'site', undefined, who, compute)).date).toBe('2026-11-2');
    clock = 1000;
    expect((await cache.get('p1', 'site', undefined, who, compute)).date).toBe('2026-11-3');
  });

  it('never shares a board between different access, sites or dates; caches nothing when not listening', async () => {
    const state = { version: 0 as number | undefined };
    const cache = new BoardCache(fakeFeed(state), () => 0);
    let computed = 0;
    const compute = () => Promise.resolve(board(++computed));
    const user = { ...who, kind: 'user' as const, scopes: undefined, roles: ['front-desk' as const] };
    await cache.get('p1', 'site', undefined, who, compute);
    await cache.get('p1', 'site', undefined, user, compute);
    await cache.get('p1', 'site', undefined, { ...user, emergencyPatients: ['pat-1'] }, compute);
    await cache.get('p1', 'site-2', undefined, who, compute);
    await cache.get('p1', 'site', '2026-11-30', who, compute);
    expect(computed).toBe(5);
    expect(accessKey(user)).not.toBe(accessKey({ ...user, roles: ['medical-assistant'] }));
    state.version = undefined;
    await cache.get('p1', 'site', undefined, who, compute);
    await cache.get('p1', 'site', undefined, who, compute);
    expect(computed).toBe(7);
  });
});
