/**
 * A start pose for the arm with its effector on the agent's position: a few
 * hundred steps of damped least squares on the forward kinematics (plain
 * numbers; the engine is not needed for a 3-joint arm).
 */
import { armEffector, armJoints, clampAngles, type ArmSpec } from '../../src/world/arm.js';
import type { Vec2 } from '../../src/world/types.js';

export function solveIk(arm: ArmSpec, target: Vec2, iterations = 300): number[] {
  // Start bent, pointing at the target, so the solution is an elbow pose rather than a straight arm.
  let angles = clampAngles(arm, [Math.atan2(target[1], target[0]) - 0.6, 1.0, 0.6]);
  const lambda = 0.05;
  for (let it = 0; it < iterations; it++) {
    const joints = armJoints(arm, angles);
    const eff = joints[joints.length - 1];
    const ex = target[0] - eff[0];
    const ey = target[1] - eff[1];
    if (Math.hypot(ex, ey) < 1e-5) break;
    // Jacobian columns: d eff / d theta_k = perp(eff - joint_{k-1}).
    const J = angles.map((_, k) => {
      const base = k === 0 ? [0, 0] : joints[k - 1];
      return [-(eff[1] - base[1]), eff[0] - base[0]];
    });
    // dtheta = J^T (J J^T + lambda^2 I)^-1 e  (2x2 inverse)
    let a = lambda * lambda;
    let b = 0;
    let d = lambda * lambda;
    for (const [jx, jy] of J) {
      a += jx * jx;
      b += jx * jy;
      d += jy * jy;
    }
    const det = a * d - b * b;
    const ux = (d * ex - b * ey) / det;
    const uy = (-b * ex + a * ey) / det;
    angles = clampAngles(
      arm,
      angles.map((t, k) => t + J[k][0] * ux + J[k][1] * uy),
    );
  }
  return angles;
}

/** How far the pose's effector is from the target. */
export function ikError(arm: ArmSpec, angles: readonly number[], target: Vec2): number {
  const e = armEffector(arm, angles);
  return Math.hypot(e[0] - target[0], e[1] - target[1]);
}
