/**
 * Scenes unlike the training defaults, one axis at a time: the family's
 * geometry from a band outside its training range, and colours no training
 * scene shows. (Scene size and the number of demonstrations are the other two
 * axes of the shift suite; they are plain sampling options.)
 */
import type { Rng } from '../random/rng.js';
import type { Event } from '../world/types.js';
import type { ConceptFamily, GeometryBand } from './family.js';
import { shiftColours, type ColourShift } from './colour-shift.js';

export interface SceneShift {
  geometry?: GeometryBand;
  colours?: ColourShift;
}

/**
 * One event of `family` under `shift`. Without a shift this is exactly
 * `family.sample(rng, { entities })`, draw for draw; colours are shifted after
 * the event is drawn, from the same stream.
 */
export function drawEvent(
  family: ConceptFamily,
  rng: Rng,
  entities: number | undefined,
  shift: SceneShift = {},
): Event {
  const options = {
    ...(entities === undefined ? {} : { entities }),
    ...(shift.geometry ? { geometry: shift.geometry } : {}),
  };
  if (shift.geometry && !family.geometry?.[shift.geometry]) {
    throw new Error(`${family.name}: has no ${shift.geometry} geometry band`);
  }
  const event = family.sample(rng, options);
  return shift.colours ? shiftColours(event, rng, shift.colours) : event;
}
