/**
 * The robot arm of docs/METHOD.md: a planar arm with three revolute
 * joints at the origin whose end effector is the agent entity.
 * Joint k's absolute angle is the sum of the first k joint angles.
 */
import type { Vec2 } from './types.js';

export interface ArmSpec {
  /** Link lengths from the base (sum about 1.2). */
  links: readonly number[];
  /** Per joint: [min, max] angle in radians. */
  limits: readonly (readonly [number, number])[];
}

export const DEFAULT_ARM: ArmSpec = {
  links: [0.5, 0.4, 0.3],
  limits: [
    [-Math.PI, Math.PI],
    [-2.6, 2.6],
    [-2.6, 2.6],
  ],
};

/** Positions of every joint after the base, the last being the effector. */
export function armJoints(arm: ArmSpec, angles: readonly number[]): Vec2[] {
  if (angles.length !== arm.links.length) {
    throw new Error(`arm: ${angles.length} angles for ${arm.links.length} joints`);
  }
  const out: Vec2[] = [];
  let x = 0;
  let y = 0;
  let theta = 0;
  arm.links.forEach((l, k) => {
    theta += angles[k];
    x += l * Math.cos(theta);
    y += l * Math.sin(theta);
    out.push([x, y]);
  });
  return out;
}

export function armEffector(arm: ArmSpec, angles: readonly number[]): Vec2 {
  const j = armJoints(arm, angles);
  return j[j.length - 1];
}

export function clampAngles(arm: ArmSpec, angles: readonly number[]): number[] {
  return angles.map((a, k) => Math.min(arm.limits[k][1], Math.max(arm.limits[k][0], a)));
}

/** How far the effector can reach from the base. */
export function armReach(arm: ArmSpec): number {
  return arm.links.reduce((a, b) => a + b, 0);
}

/**
 * A random start pose: each joint uniform in the inner 80% of its limits
 * (the arm's test events and its restarts draw from the same distribution).
 */
export function randomPose(arm: ArmSpec, rng: { range(lo: number, hi: number): number }): number[] {
  return arm.limits.map(([lo, hi]) => rng.range(lo, hi) * 0.8);
}
