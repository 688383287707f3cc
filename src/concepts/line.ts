import { identifyShapeFamily } from './shape-families.js';
import { LINE } from './shapes.js';

/** Identification: the 3 collinear entities (extent 0.5..1.0). */
export const line = identifyShapeFamily(
  LINE,
  'line',
  'find the 3 entities that lie on a straight line',
);
