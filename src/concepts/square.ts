import { identifyShapeFamily } from './shape-families.js';
import { SQUARE } from './shapes.js';

/** Identification: the 4 entities at the corners of a square (side 0.3..0.8, any rotation and place). */
export const square = identifyShapeFamily(
  SQUARE,
  'square',
  'find the 4 entities at the corners of a square (side 0.3..0.8, any rotation)',
);
