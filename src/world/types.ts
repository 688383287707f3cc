/**
 * The world's objects (docs/METHOD.md, "The world"). An entity is a row of attributes
 * [px, py, r, g, b]: position in [-1, 1]^2, colour in [0, 1]^3. A scene holds
 * any number N of entities; nothing assumes a fixed N.
 */

/** Attributes per entity: px, py, r, g, b. */
export const ATTRIBUTES = 5;
export const POSITION_RANGE: readonly [number, number] = [-1, 1];
export const COLOR_RANGE: readonly [number, number] = [0, 1];

export type Vec2 = [number, number];
export type Rgb = [number, number, number];

export interface Entity {
  pos: Vec2;
  color: Rgb;
}

export interface Scene {
  entities: Entity[];
}

/**
 * What a demonstration shows: a state before, a state after, and which
 * entities the concept speaks of (0/1 per entity). For a recognition event
 * `after` equals `before`.
 */
export interface Event {
  before: Scene;
  after: Scene;
  attention: number[];
}

/** Mask helpers: a 0/1 array over entities <-> the set of indices it marks. */
export function maskToSet(mask: readonly number[]): number[] {
  const out: number[] = [];
  mask.forEach((m, i) => {
    if (m >= 0.5) out.push(i);
  });
  return out;
}

export function setToMask(set: readonly number[], n: number): number[] {
  const mask = new Array<number>(n).fill(0);
  for (const i of set) mask[i] = 1;
  return mask;
}
