/**
 * The timers of `run`'s own schedules beside the collection driver (scheduled reports, access
 * reviews that start themselves): one timer per key, never keeping the process alive, their work
 * run one piece at a time, and all of it stopped together (stop waits for the piece running).
 */

/** setTimeout's longest delay (about 24.8 days); a longer wait is taken in steps. */
export const MAX_TIMEOUT = 2 ** 31 - 1;

export class SerialTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;
  private running: Promise<unknown> = Promise.resolve();

  /** Call `fn` after `waitMs` (at most MAX_TIMEOUT), in place of the key's timer; nothing once stopped. */
  set(key: string, waitMs: number, fn: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(fn, Math.min(MAX_TIMEOUT, Math.max(0, waitMs)));
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Run `work` once the work before it has settled; its outcome (a failure does not stop the next). */
  run<T>(work: () => Promise<T>): Promise<T> {
    const p = this.running.then(work);
    this.running = p.catch(() => {});
    return p;
  }

  /** Clear every timer and wait for the work running. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.running;
  }
}
