import { generateShapeFamily } from './shape-families.js';
import { CIRCLE } from './shapes.js';

/** Generation: move the 5 attended entities radially onto the nearest circle. */
export const makeCircle = generateShapeFamily(
  CIRCLE,
  'make-circle',
  'move the 5 attended entities onto a circle',
);
