import { generateShapeFamily } from './shape-families.js';
import { TRIANGLE } from './shapes.js';

/** Generation: move the 3 attended entities onto the nearest equilateral triangle. */
export const makeTriangle = generateShapeFamily(
  TRIANGLE,
  'make-triangle',
  'move the 3 attended entities so that they form an equilateral triangle',
);
