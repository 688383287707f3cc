/**
 * kill -9 at random moments, five times (scripts/reliability-kill.ts; run it
 * with --trials 50 or more outside the suite): the checkpoint always loads,
 * and the finished run logs each step and each validation exactly once.
 */
import { describe, expect, it } from 'vitest';
import { killReportHolds, killTrials } from '../scripts/reliability-kill.js';

describe('training under kill -9', () => {
  it('loses nothing and logs nothing twice', async () => {
    const r = await killTrials(5, 7);
    expect(r.killed).toBeGreaterThan(0);
    expect(r).toMatchObject({
      checkpointsThatFailedToLoad: 0,
      duplicateOrMissingSteps: 0,
      duplicateOrMissingValidations: 0,
      tempFilesLeft: 0,
    });
    expect(r.finalStep).toBe(r.steps);
    expect(killReportHolds(r)).toBe(true);
  }, 180_000);
});
