/** A movable clock: real time plus an offset tests can advance to cross reset windows. */
export class Clock {
  private offsetMs = 0;
  constructor(private readonly base: () => number = Date.now) {}
  /** A clock that reads `ms` now and ticks in real time from there (e.g. a year ahead). */
  static startingAt(ms: number, base: () => number = Date.now): Clock {
    const clock = new Clock(base);
    clock.advance(ms - base());
    return clock;
  }
  now(): number {
    return this.base() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  iso(ms: number = this.now()): string {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
