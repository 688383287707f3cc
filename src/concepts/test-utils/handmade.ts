/** Hand-made scenes for checker tests: the palette's colours, a scene from positions, families by kind. */
import type { Rgb, Scene, Vec2 } from '../../world/types.js';
import { FAMILIES, type GenerateFamily, type IdentifyFamily } from '../index.js';

export const GRAY: Rgb = [0.5, 0.5, 0.5];
export const BLUE: Rgb = [0, 0.2, 1];
export const GREEN: Rgb = [0, 0.8, 0];
export const YELLOW: Rgb = [1, 0.9, 0];
export const RED: Rgb = [1, 0, 0];
export const ORANGE: Rgb = [1, 0.5, 0];

/** A scene from positions; colours cycle through blue/green/yellow unless given. */
export function scene(positions: Vec2[], colors: Rgb[] = []): Scene {
  const cycle = [BLUE, GREEN, YELLOW];
  return {
    entities: positions.map((pos, i) => ({ pos, color: colors[i] ?? cycle[i % 3] })),
  };
}

export function id(name: string): IdentifyFamily {
  const f = FAMILIES[name as keyof typeof FAMILIES];
  if (f.kind !== 'identify') throw new Error(name);
  return f;
}

export function gen(name: string): GenerateFamily {
  const f = FAMILIES[name as keyof typeof FAMILIES];
  if (f.kind !== 'generate') throw new Error(name);
  return f;
}
