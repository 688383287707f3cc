/**
 * The robot arm drawn into a scene panel (as a Panel underlay): base, links
 * and joints, in the panel's world coordinates. Shared by the playground and
 * the robot experiment's figure.
 */
import { armJoints, type ArmSpec } from './arm.js';
import type { WorldMap } from './svg.js';

const n2 = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : 0);

export function armSvg(
  spec: ArmSpec,
  angles: readonly number[],
  f: WorldMap,
  opts: { opacity?: number } = {},
): string {
  const opacity = opts.opacity ?? 1;
  const joints: [number, number][] = [[0, 0], ...armJoints(spec, angles)];
  const pts = joints.map(([x, y]) => `${n2(f.x(x))},${n2(f.y(y))}`).join(' ');
  const out = [
    `<g opacity="${opacity}">`,
    `<rect class="arm-base" x="${n2(f.x(0) - 9)}" y="${n2(f.y(0) - 6)}" width="18" height="12" rx="2" fill="#546e7a"/>`,
    `<polyline class="arm-links" points="${pts}" fill="none" stroke="#78909c" stroke-width="7" stroke-linecap="round" stroke-linejoin="round" stroke-opacity="0.85"/>`,
  ];
  joints
    .slice(0, -1)
    .forEach(([x, y]) =>
      out.push(
        `<circle class="arm-joint" cx="${n2(f.x(x))}" cy="${n2(f.y(y))}" r="4.5" fill="#37474f"/>`,
      ),
    );
  out.push('</g>');
  return out.join('');
}

/** A polyline through world points (e.g. the effector's path during a reach). */
export function pathSvg(
  points: readonly (readonly [number, number])[],
  f: WorldMap,
  color = '#ef6c00',
): string {
  const pts = points.map(([x, y]) => `${n2(f.x(x))},${n2(f.y(y))}`).join(' ');
  return `<polyline class="path" points="${pts}" fill="none" stroke="${color}" stroke-width="2" stroke-dasharray="4 3"/>`;
}
