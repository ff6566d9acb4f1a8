/** The requests being served, so shutdown can stop taking new ones and wait for the rest. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();
  private open = true;

  get accepting(): boolean {
    return this.open;
  }

  get size(): number {
    return this.running.size;
  }

  /** Runs `work` unless shutdown has begun (then returns false and runs nothing). */
  run(work: () => Promise<unknown>): boolean {
    if (!this.open) return false;
    const job = work().catch(() => undefined); // callers handle their own errors; this only waits
    this.running.add(job);
    void job.finally(() => this.running.delete(job));
    return true;
  }

  /** Stops taking new work and waits for the running requests, at most `timeoutMs`. True if all finished. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.open = false;
    if (this.running.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const done = Promise.all([...this.running]).then(() => true as const);
    try {
      return await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
