/**
 * The registry of concept families (docs/CONCEPTS.md): every family by
 * name, and a lookup that names the known ones when it fails.
 */
import type { ConceptFamily, FamilyName } from './family.js';
import { FAMILY_NAMES } from './family.js';
import { between } from './between.js';
import { circle } from './circle.js';
import { closest } from './closest.js';
import { count1, count2, count3, count4plus } from './count.js';
import { farthest } from './farthest.js';
import { line } from './line.js';
import { makeCircle } from './make-circle.js';
import { makeLine } from './make-line.js';
import { makeRed } from './make-red.js';
import { makeSquare } from './make-square.js';
import { makeTriangle } from './make-triangle.js';
import { moveBetween } from './move-between.js';
import { moveClose } from './move-close.js';
import { moveFar } from './move-far.js';
import { moveToSquareCenter } from './move-to-square-center.js';
import { near } from './near.js';
import { red } from './red.js';
import { square } from './square.js';
import { triangle } from './triangle.js';

export const FAMILIES: Readonly<Record<FamilyName, ConceptFamily>> = Object.freeze({
  square,
  line,
  triangle,
  circle,
  red,
  closest,
  farthest,
  between,
  near,
  'count-1': count1,
  'count-2': count2,
  'count-3': count3,
  'count-4+': count4plus,
  'make-square': makeSquare,
  'make-line': makeLine,
  'make-triangle': makeTriangle,
  'make-circle': makeCircle,
  'make-red': makeRed,
  'move-close': moveClose,
  'move-far': moveFar,
  'move-between': moveBetween,
  'move-to-square-center': moveToSquareCenter,
});

/** The family called `name`; throws naming the known families otherwise. */
export function getFamily(name: string): ConceptFamily {
  if (!Object.prototype.hasOwnProperty.call(FAMILIES, name)) {
    throw new Error(`unknown concept "${name}"; known: ${FAMILY_NAMES.join(', ')}`);
  }
  return FAMILIES[name as FamilyName];
}

export * from './family.js';
