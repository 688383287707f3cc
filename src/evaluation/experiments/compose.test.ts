import { describe, expect, it } from 'vitest';
import { chainLengthReading } from './compose.js';

describe('the compose experiment reads its two chain lengths from the numbers', () => {
  it('names the better length, or neither', () => {
    // The summed model: AND 8% at the trained K, 21% at its test-time K.
    expect(chainLengthReading(0.08, 0.21)).toMatch(/longer chain composes better/);
    expect(chainLengthReading(0.1, 0.05)).toMatch(/best at the length the model was trained with/);
    expect(chainLengthReading(0.1, 0.1)).toMatch(/equally/);
  });
});
