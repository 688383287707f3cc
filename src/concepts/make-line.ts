import { generateShapeFamily } from './shape-families.js';
import { LINE } from './shapes.js';

/** Generation: move the 3 attended entities onto the nearest straight line. */
export const makeLine = generateShapeFamily(
  LINE,
  'make-line',
  'move the 3 attended entities onto a straight line',
);
