/**
 * Failed sign-in attempts per network address (ASVS 2.2.1): after `max` failures in a sliding `windowMs`,
 * the address is refused (429) until the window moves on. Only failures count: a clinic where everyone signs
 * in at 8:00 through one proxy address is not throttled by its own successful sign-ins. Kept in the
 * process: with several app servers each limits on its own, and the per-account lock-out (in the database)
 * still holds across them.
 */
export class AttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max = 20,
    private readonly windowMs = 5 * 60_000
  ) {}

  private recent(address: string, now: number): number[] {
    const list = (this.failures.get(address) ?? []).filter((t) => now - t < this.windowMs);
    this.failures.set(address, list);
    return list;
  }

  /** Whether the address is over its limit now. */
  blocked(address: string, now = Date.now()): boolean {
    return this.recent(address, now).length >= this.max;
  }

  /** Counts a failed attempt. */
  fail(address: string, now = Date.now()): void {
    this.recent(address, now).push(now);
    if (this.failures.size > 10_000) {
      this.failures.delete(this.failures.keys().next().value as string);
    }
  }

  /**
   * Runs an attempt: refused with `tooMany` when blocked; a 401 or 423 from it counts as a failure. The
   * attempt counts as one while it runs (a password check takes a while), so a burst of parallel attempts
   * cannot all pass the check before the first of them fails; a success or any other answer gives the
   * place back.
   */
  async attempt<T>(address: string, now: number, tooMany: () => Error, run: () => Promise<T>): Promise<T> {
    if (this.blocked(address, now)) {
      throw tooMany();
    }
    this.fail(address, now);
    let failed = false;
    try {
      return await run();
    } catch (err) {
      const status = (err as { status?: number }).status;
      failed = status === 401 || status === 423;
      throw err;
    } finally {
      if (!failed) {
        const list = this.failures.get(address);
        const i = list?.indexOf(now) ?? -1;
        if (list && i >= 0) {
          list.splice(i, 1);
        }
      }
    }
  }
}
