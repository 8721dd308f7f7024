import type { Database } from '../../store/db.js';
import { FLOW_CHANNEL, type FlowNotice } from './visit.js';

/**
 * The flow board's live feed in one process: one LISTEN on the database (every process on the same
 * database hears every committed change, whichever process made it) fanned out to the screens of the
 * change's practice and site. Subscribers are the SSE streams of GET /api/flow/stream.
 */
export class FlowFeed {
  private readonly subscribers = new Map<string, Set<(notice: FlowNotice) => void>>();
  private listening: Promise<() => Promise<void>> | undefined;
  private live = false;
  /** Changes heard per practice and site since this process started listening (BoardCache reads it). */
  private readonly versions = new Map<string, number>();

  constructor(private readonly db: Database) {}

  private static key(practice: string, location: string): string {
    return `${practice}\u0000${location}`;
  }

  /** Starts listening (once); resolves when the LISTEN is in place. */
  start(): Promise<void> {
    this.listening ??= this.db.listen(FLOW_CHANNEL, (payload) => this.deliver(payload));
    return this.listening.then(() => {
      this.live = true;
    });
  }

  private deliver(payload: string): void {
    let notice: FlowNotice;
    try {
      notice = JSON.parse(payload) as FlowNotice;
    } catch {
      return;
    }
    const key = FlowFeed.key(notice.practice, notice.location);
    // The version moves before any screen hears of the change, so their refetch never gets an older board.
    this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
    for (const send of this.subscribers.get(FlowFeed.key(notice.practice, notice.location)) ?? []) {
      try {
        send(notice);
      } catch {
        // A screen that went away is removed by its own close handler.
      }
    }
  }

  /** Subscribes a screen to a site's changes; returns the function that unsubscribes it. */
  async subscribe(
    practice: string,
    location: string,
    send: (notice: FlowNotice) => void
  ): Promise<() => void> {
    await this.start();
    const key = FlowFeed.key(practice, location);
    const set = this.subscribers.get(key) ?? new Set();
    set.add(send);
    this.subscribers.set(key, set);
    return () => {
      set.delete(send);
      if (set.size === 0) {
        this.subscribers.delete(key);
      }
    };
  }

  /**
   * How many changes at the site this process has heard of, or undefined when it is not listening (then
   * nothing may be cached: a change would go unnoticed).
   */
  versionOf(practice: string, location: string): number | undefined {
    return this.live ? (this.versions.get(FlowFeed.key(practice, location)) ?? 0) : undefined;
  }

  /** How many screens are connected (for tests and the bench). */
  get size(): number {
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
  }

  async stop(): Promise<void> {
    this.subscribers.clear();
    this.live = false;
    const listening = this.listening;
    this.listening = undefined;
    const unlisten = await listening?.catch(() => undefined);
    await unlisten?.().catch(() => undefined);
  }
}
