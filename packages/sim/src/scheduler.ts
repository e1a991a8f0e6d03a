/**
 * Timed behaviour of the simulated world (an instance finishing boot, an image becoming
 * available, an instance refresh moving to its next batch) is a queue of events. Before
 * each request the world runs every event due by the clock's time, in time order, so
 * state is always what it would be "now", however far virtual time jumped.
 */
interface ScheduledEvent {
  at: number;
  seq: number;
  label: string;
  run: (at: number) => void;
}

export class Scheduler {
  private queue: ScheduledEvent[] = [];
  private seq = 0;
  private current = Number.NEGATIVE_INFINITY;

  /** Runs `run` at virtual time `at` (or at once, on the next advance, if `at` has passed). */
  at(at: number, label: string, run: (at: number) => void): void {
    this.queue.push({ at, seq: this.seq++, label, run });
  }

  /** Runs every event due by `now`, including events that due events schedule. */
  advanceTo(now: number): void {
    for (;;) {
      let next = -1;
      for (let i = 0; i < this.queue.length; i++) {
        const e = this.queue[i] as ScheduledEvent;
        const best = this.queue[next];
        if (e.at <= now && (!best || e.at < best.at || (e.at === best.at && e.seq < best.seq))) next = i;
      }
      if (next < 0) break;
      const [event] = this.queue.splice(next, 1) as [ScheduledEvent];
      this.current = Math.max(this.current, event.at);
      event.run(this.current);
    }
    this.current = Math.max(this.current, now);
  }

  /** Events still waiting, for introspection in tests. */
  pending(): { at: number; label: string }[] {
    return this.queue.map(({ at, label }) => ({ at, label })).sort((a, b) => a.at - b.at);
  }
}
