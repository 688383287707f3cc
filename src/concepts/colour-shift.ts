/**
 * Colours the training scenes never show, for the shift suite: every entity
 * whose colour the concept does not name (all but the agent and the red
 * ones) either jittered per channel or repainted from a second palette. The
 * families' own constraints hold by construction: the agent is never
 * touched, so it stays the only gray entity, and no palette colour comes
 * within 0.2 of red (tested).
 */
import type { Rng } from '../random/rng.js';
import type { Event, Rgb } from '../world/types.js';
import { PALETTE, cloneScene } from '../world/scene.js';

/** `jitter`: each channel moved by up to `amount` (uniform); `palette`: the second palette's colour instead. */
export type ColourShift = { kind: 'jitter'; amount: number } | { kind: 'palette' };

/** The second palette: each training colour but red has a counterpart, unlike all of them. */
export const SECOND_PALETTE: Readonly<Record<string, Rgb>> = {
  green: [0.55, 1, 0.2],
  blue: [0.1, 0.1, 0.45],
  yellow: [1, 0.55, 0],
  purple: [1, 0.4, 0.75],
  cyan: [0, 0.45, 0.45],
};

const sameColour = (a: Rgb, b: Rgb) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/** The training palette's name for `c` (exact match), or null; red never matches (its colour is named). */
function paletteName(c: Rgb): string | null {
  for (const [name, p] of Object.entries(PALETTE))
    if (name !== 'red' && sameColour(c, p)) return name;
  return null;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * The event with its unnamed colours shifted. An entity whose colour the
 * event changes (make-red's target) is shifted in the start scene only; one
 * whose colour stays keeps the same shifted colour in both scenes.
 */
export function shiftColours(event: Event, rng: Rng, shift: ColourShift): Event {
  const before = cloneScene(event.before);
  const after = cloneScene(event.after);
  before.entities.forEach((e, i) => {
    const name = paletteName(e.color);
    if (name === null) return;
    const c: Rgb =
      shift.kind === 'palette'
        ? [...SECOND_PALETTE[name]]
        : [
            clamp01(e.color[0] + rng.range(-shift.amount, shift.amount)),
            clamp01(e.color[1] + rng.range(-shift.amount, shift.amount)),
            clamp01(e.color[2] + rng.range(-shift.amount, shift.amount)),
          ];
    if (sameColour(after.entities[i].color, e.color)) after.entities[i].color = [c[0], c[1], c[2]];
    e.color = c;
  });
  return { before, after, attention: event.attention.slice() };
}
