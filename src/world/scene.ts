import type { Entity, Rgb, Scene, Vec2 } from './types.js';
import { ATTRIBUTES } from './types.js';

/** The agent is the only gray entity. */
export const AGENT_COLOR: Rgb = [0.5, 0.5, 0.5];

/** Clear, well-separated colours; gray is reserved for the agent. */
export const PALETTE: Readonly<Record<string, Rgb>> = {
  red: [1, 0, 0],
  green: [0, 0.8, 0],
  blue: [0, 0.2, 1],
  yellow: [1, 0.9, 0],
  purple: [0.6, 0, 0.8],
  cyan: [0, 0.9, 0.9],
};
export const PALETTE_NAMES = Object.keys(PALETTE) as (keyof typeof PALETTE)[];

export function isAgent(e: Entity, tol = 0.05): boolean {
  return (
    Math.abs(e.color[0] - 0.5) < tol &&
    Math.abs(e.color[1] - 0.5) < tol &&
    Math.abs(e.color[2] - 0.5) < tol
  );
}

/** Index of the agent in a scene, or -1. */
export function agentIndex(scene: Scene): number {
  return scene.entities.findIndex((e) => isAgent(e));
}

export function distance(a: Vec2, b: Vec2): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

export function colorDistance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

export function cloneScene(scene: Scene): Scene {
  return {
    entities: scene.entities.map((e) => ({
      pos: [e.pos[0], e.pos[1]] as Vec2,
      color: [e.color[0], e.color[1], e.color[2]] as Rgb,
    })),
  };
}

/** Flatten to N x D row-major numbers [px, py, r, g, b] per entity. */
export function sceneToArray(scene: Scene): Float32Array {
  const out = new Float32Array(scene.entities.length * ATTRIBUTES);
  scene.entities.forEach((e, i) => {
    out.set([e.pos[0], e.pos[1], e.color[0], e.color[1], e.color[2]], i * ATTRIBUTES);
  });
  return out;
}

export function arrayToScene(values: ArrayLike<number>, n = values.length / ATTRIBUTES): Scene {
  if (values.length !== n * ATTRIBUTES) {
    throw new Error(`arrayToScene: ${values.length} values is not ${n} x ${ATTRIBUTES}`);
  }
  const entities: Entity[] = [];
  for (let i = 0; i < n; i++) {
    const o = i * ATTRIBUTES;
    entities.push({
      pos: [values[o], values[o + 1]],
      color: [values[o + 2], values[o + 3], values[o + 4]],
    });
  }
  return { entities };
}

/** Mean displacement of the entities whose mask is 1 (all if no mask). */
export function meanDisplacement(before: Scene, after: Scene, mask?: readonly number[]): number {
  let total = 0;
  let count = 0;
  before.entities.forEach((e, i) => {
    if (mask && !(mask[i] >= 0.5)) return;
    total +=
      distance(e.pos, after.entities[i].pos) + colorDistance(e.color, after.entities[i].color);
    count++;
  });
  return count === 0 ? 0 : total / count;
}
