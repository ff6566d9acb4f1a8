/** Per-user sliding-window limit: at most `perWindow` requests in any `windowMs`. 0 disables it. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request; when refused, says how long until the next one is allowed. */
  take(userId: string): { ok: true } | { ok: false; retryAfterMs: number } {
    if (this.perWindow <= 0) return { ok: true };
    const now = this.now();
    const recent = (this.hits.get(userId) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.perWindow) {
      this.hits.set(userId, recent);
      return { ok: false, retryAfterMs: recent[0]! + this.windowMs - now };
    }
    recent.push(now);
    this.hits.set(userId, recent);
    if (this.hits.size > 10_000) this.prune(now); // bounded memory on a busy server
    return { ok: true };
  }

  private prune(now: number): void {
    for (const [user, times] of this.hits) {
      if (times.every((t) => now - t >= this.windowMs)) this.hits.delete(user);
    }
  }
}
