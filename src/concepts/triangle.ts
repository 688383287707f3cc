import { identifyShapeFamily } from './shape-families.js';
import { TRIANGLE } from './shapes.js';

/** Identification: the 3 entities forming an equilateral triangle (side 0.3..0.8). */
export const triangle = identifyShapeFamily(
  TRIANGLE,
  'triangle',
  'find the 3 entities that form an equilateral triangle (side 0.3..0.8)',
);
