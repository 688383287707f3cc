/**
 * Steps chains incrementally, so that no animation frame waits for a whole
 * chain: a chain is a generator that yields after every Langevin step, and
 * the runner advances it a few steps per frame (as many as the speed asks
 * for, within a time budget), then gives the frame back to the browser.
 * Play / pause / single-step act on the current chain. One background job
 * (the energy landscape) gets what is left of each frame's budget.
 */

export type Job = Generator<void, unknown, void>;

export interface RunnerHooks {
  /** Something advanced: redraw. */
  changed(): void;
  /** A chain ended (error set when it threw). */
  ended(name: string, result: unknown, error?: unknown): void;
}

const FRAME_BUDGET_MS = 12;
const BACKGROUND_BUDGET_MS = 10;

export class Runner {
  private job: { name: string; gen: Job } | null = null;
  private background: Job | null = null;
  private credit = 0;
  private last = 0;
  paused = false;
  /** Chain steps per second; 0: as many as fit in a frame. */
  speed = 10;

  constructor(private readonly hooks: RunnerHooks) {
    const loop = (t: number) => {
      this.frame(t);
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  get running(): string | null {
    return this.job?.name ?? null;
  }

  /** Start a chain (the current one is abandoned, its tensors freed). */
  start(name: string, gen: Job): void {
    this.cancel();
    this.job = { name, gen };
    this.credit = 1; // the first step shows at once
  }

  cancel(): void {
    const job = this.job;
    this.job = null;
    job?.gen.return(undefined);
  }

  setBackground(gen: Job | null): void {
    this.background?.return(undefined);
    this.background = gen;
  }

  /** Advance the current chain by one step (for single-stepping while paused). */
  step(): void {
    if (this.job) this.advance(this.job);
    this.hooks.changed();
  }

  private advance(job: { name: string; gen: Job }): boolean {
    let r: IteratorResult<void, unknown>;
    try {
      r = job.gen.next();
    } catch (err) {
      if (this.job === job) this.job = null;
      this.hooks.ended(job.name, undefined, err);
      return false;
    }
    if (r.done) {
      if (this.job === job) this.job = null;
      this.hooks.ended(job.name, r.value);
      return false;
    }
    return true;
  }

  private frame(t: number): void {
    const dt = this.last === 0 ? 16 : Math.min(100, t - this.last);
    this.last = t;
    const start = performance.now();
    let changed = false;
    if (this.job && !this.paused) {
      let n: number;
      if (this.speed <= 0) n = Infinity;
      else {
        this.credit += (dt / 1000) * this.speed;
        n = Math.floor(this.credit);
        this.credit -= n;
      }
      for (let i = 0; i < n && this.job; i++) {
        const job = this.job;
        this.advance(job);
        changed = true;
        if (performance.now() - start > FRAME_BUDGET_MS) {
          this.credit = Math.min(this.credit, 1);
          break;
        }
      }
    }
    if (this.background && performance.now() - start < FRAME_BUDGET_MS) {
      const bgStart = performance.now();
      while (this.background && performance.now() - bgStart < BACKGROUND_BUDGET_MS) {
        let r: IteratorResult<void, unknown>;
        try {
          r = this.background.next();
        } catch (err) {
          this.background = null;
          console.error('background job failed', err);
          break;
        }
        changed = true;
        if (r.done) this.background = null;
      }
    }
    if (changed) this.hooks.changed();
  }
}
