import { identifyShapeFamily } from './shape-families.js';
import { CIRCLE } from './shapes.js';

/** Identification: the 5 entities on a circle (radius 0.25..0.6); default scene 5 + 1 distractor. */
export const circle = identifyShapeFamily(
  CIRCLE,
  'circle',
  'find the 5 entities that lie on a circle (radius 0.25..0.6)',
);
