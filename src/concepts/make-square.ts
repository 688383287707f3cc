import { generateShapeFamily } from './shape-families.js';
import { SQUARE } from './shapes.js';

/** Generation: move the 4 attended entities onto the nearest square. */
export const makeSquare = generateShapeFamily(
  SQUARE,
  'make-square',
  'move the 4 attended entities so that they form a square',
);
