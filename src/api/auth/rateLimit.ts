/**
 * Sign-in attempts per network address (ASVS 2.2.1): at most `max` in a sliding `windowMs`. Kept in the
 * process: with several app servers each limits on its own, and the per-account lock-out (in the database)
 * still holds across them.
 */
export class AttemptLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly max = 20,
    private readonly windowMs = 5 * 60_000
  ) {}

  /** Counts an attempt; false when the address is over its limit. */
  allow(address: string, now = Date.now()): boolean {
    const recent = (this.attempts.get(address) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.max) {
      this.attempts.set(address, recent);
      return false;
    }
    recent.push(now);
    this.attempts.set(address, recent);
    if (this.attempts.size > 10_000) {
      this.attempts.delete(this.attempts.keys().next().value as string);
    }
    return true;
  }
}
