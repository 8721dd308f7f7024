import type { Principal } from '../../auth/principal.js';
import type { FlowBoard } from './board.js';
import type { FlowFeed } from './liveFeed.js';

/**
 * When a change is announced, every board at the site refetches at once: 100 screens would be 100 board
 * queries for one change. Screens whose callers have the same access see the same board, so one process
 * computes it once per change and access (concurrent requests share the computation) and serves it until
 * the next change it hears of at the site, or for MAX_AGE_MS at most, which bounds how stale a board can be
 * after a change that announces nothing (a patient's name corrected through the FHIR API).
 * Nothing is cached while the process is not listening to the feed.
 */
const MAX_AGE_MS = 1000;
const MAX_ENTRIES = 500;

interface Entry {
  version: number;
  at: number;
  board: Promise<FlowBoard>;
}

/** Everything the board's content depends on besides the site and date: what the caller may see. */
export function accessKey(principal: Principal | undefined): string {
  if (!principal) return 'internal';
  return JSON.stringify([
    principal.practiceId,
    principal.kind,
    [...principal.roles].sort(),
    [...principal.permissions].sort(),
    principal.scopes ? [...principal.scopes].sort() : null,
    [...principal.emergencyPatients].sort(),
  ]);
}

export class BoardCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly feed: FlowFeed,
    private readonly now: () => number = () => Date.now()
  ) {}

  /** The board from the cache when it is current, else computed by `compute` (and cached). */
  get(
    practice: string,
    location: string,
    date: string | undefined,
    principal: Principal | undefined,
    compute: () => Promise<FlowBoard>
  ): Promise<FlowBoard> {
    const version = this.feed.versionOf(practice, location);
    if (version === undefined) {
      return compute();
    }
    const key = `${location}\u0000${date ?? ''}\u0000${accessKey(principal)}`;
    const hit = this.entries.get(key);
    const now = this.now();
    if (hit && hit.version === version && now - hit.at < MAX_AGE_MS) {
      return hit.board;
    }
    const board = compute();
    this.entries.set(key, { version, at: now, board });
    board.catch(() => this.entries.delete(key));
    if (this.entries.size > MAX_ENTRIES) {
      for (const [k, e] of this.entries) {
        if (now - e.at >= MAX_AGE_MS) this.entries.delete(k);
      }
    }
    return board;
  }
}
