import { describe, expect, it } from 'vitest';
import { betweenGeometry } from './between.js';

// P and Q on the x axis; the midpoint is the origin.
const p: [number, number] = [-0.5, 0];
const q: [number, number] = [0.5, 0];
const start: [number, number] = [0.3, 0.8];

describe('betweenGeometry', () => {
  it('is all zeros but `way` (1) at the midpoint', () => {
    const g = betweenGeometry(start, [0, 0], p, q);
    expect(g.way).toBeCloseTo(1, 12);
    expect(g.bisectorAfter).toBeCloseTo(0, 12);
    expect(g.segmentAfter).toBeCloseTo(0, 12);
    expect(g.error).toBeCloseTo(0, 12);
    expect(g.bisectorBefore).toBeCloseTo(Math.abs(Math.hypot(0.8, 0.8) - Math.hypot(0.2, 0.8)), 12);
  });

  it('tells the segment from the bisector: on the segment near P, and on the bisector above it', () => {
    const onSegment = betweenGeometry(start, [-0.3, 0], p, q);
    expect(onSegment.segmentAfter).toBeCloseTo(0, 12);
    expect(onSegment.bisectorAfter).toBeCloseTo(0.6, 12); // AQ - AP = 0.8 - 0.2
    expect(onSegment.error).toBeCloseTo(0.3, 12);

    const onBisector = betweenGeometry(start, [0, 0.4], p, q);
    expect(onBisector.bisectorAfter).toBeCloseTo(0, 12);
    expect(onBisector.segmentAfter).toBeCloseTo(2 * Math.hypot(0.5, 0.4) - 1, 12);
    expect(onBisector.error).toBeCloseTo(0.4, 12);
  });

  it('measures `way` along the start-to-midpoint line: 0 unmoved, 0.5 halfway, negative backwards', () => {
    expect(betweenGeometry(start, start, p, q).way).toBeCloseTo(0, 12);
    expect(betweenGeometry(start, [0.15, 0.4], p, q).way).toBeCloseTo(0.5, 12);
    expect(betweenGeometry(start, [0.6, 1.6], p, q).way).toBeCloseTo(-1, 12);
  });
});
