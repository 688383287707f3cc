/**
 * A discrete finish for identification: descend on the energy of hard masks.
 *
 * The a-chains search a continuous relaxation; an answer is the mask they
 * threshold to. Where a chain ends one entity off (it took a distractor for a
 * member), the true set is a swap away, but the chain's own noise rarely
 * crosses the barrier between the two. The polish scores every mask within
 * Hamming distance 2 of the answer (each single flip and each pair, so every
 * swap) and moves to the lowest if it lowers the energy, for a few rounds.
 * It only ever lowers the energy, so it helps where the sampler failed and
 * hurts where the sampler succeeded despite the energy (a diagnosis in docs/history/training-log.md:
 * the first are square, triangle, farthest; the second red, closest).
 *
 * Not in the paper; off unless the a-chain's `polish` is > 0.
 *
 * `lowestMask` is the exhaustive search: every one of the 2^N masks, for the
 * a-chain's `enumerate` (scenes of at most that many entities).
 */

/**
 * The answer's mask: entity i is in where its logit is > 0. Restarts are
 * judged, and the polish starts, from this one rule on both paths (engine and
 * kernel), so their answers agree.
 */
export function maskOf(logits: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(logits as ArrayLike<number>, (v) => (v > 0 ? 1 : 0));
}

/** A thresholded answer as logits +-L (how a mask enters the energy); takes logits or a 0/1 mask. */
export function hardLogits(values: ArrayLike<number>, L: number): Float32Array {
  return Float32Array.from(values as ArrayLike<number>, (v) => (v > 0 ? L : -L));
}

/** Every mask within Hamming distance 2 of `mask`: the N single flips, then the N(N-1)/2 pairs. */
export function maskNeighbours(mask: ArrayLike<number>): Uint8Array[] {
  const n = mask.length;
  const base = Uint8Array.from(mask as ArrayLike<number>, (v) => (v ? 1 : 0));
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const m = base.slice();
    m[i] ^= 1;
    out.push(m);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = base.slice();
      m[i] ^= 1;
      m[j] ^= 1;
      out.push(m);
    }
  }
  return out;
}

/**
 * Scores candidate masks: `masks[k]` in scene `scenes[k]`, one call per round
 * (so a batched energy sees every scene's candidates at once).
 */
export type MaskEnergies = (
  scenes: readonly number[],
  masks: readonly Uint8Array[],
) => ArrayLike<number>;

export interface PolishResult {
  masks: Uint8Array[];
  energies: Float64Array;
  /** Per scene, the rounds in which the mask moved. */
  moves: Int32Array;
}

/**
 * From each scene's mask (with its energy), move to the lowest-energy neighbour
 * while that is strictly lower, at most `rounds` times. Pure but for `energies`.
 */
export function polishMasks(
  start: readonly Uint8Array[],
  startEnergies: ArrayLike<number>,
  rounds: number,
  energies: MaskEnergies,
): PolishResult {
  if (!(Number.isInteger(rounds) && rounds >= 0))
    throw new Error(`polish: rounds must be a whole number >= 0, got ${rounds}`);
  if (startEnergies.length !== start.length) {
    throw new Error(`polish: ${start.length} masks but ${startEnergies.length} energies`);
  }
  const masks: Uint8Array[] = start.map((m) => Uint8Array.from(m));
  const best = Float64Array.from(startEnergies);
  const moves = new Int32Array(start.length);
  let active = masks.map((_, b) => b);
  for (let round = 0; round < rounds && active.length > 0; round++) {
    const scenes: number[] = [];
    const candidates: Uint8Array[] = [];
    for (const b of active) {
      for (const m of maskNeighbours(masks[b])) {
        scenes.push(b);
        candidates.push(m);
      }
    }
    const e = energies(scenes, candidates);
    const pick = new Map<number, number>();
    for (let k = 0; k < candidates.length; k++) {
      const b = scenes[k];
      const current = pick.get(b);
      if (e[k] < (current === undefined ? best[b] : e[current])) pick.set(b, k);
    }
    for (const [b, k] of pick) {
      masks[b] = candidates[k];
      best[b] = e[k];
      moves[b]++;
    }
    active = [...pick.keys()];
  }
  return { masks, energies: best, moves };
}

/** Above this many entities `lowestMask` refuses: 2^n masks would not end. */
export const ENUMERATE_MAX_ENTITIES = 16;

/**
 * The energy's own minimum over the answers: all 2^n masks scored and the
 * lowest kept, the first in counting order on a tie (mask m holds entity i
 * where bit i of m is set, so the empty set comes first). Where the chains and
 * the polish stop in a local minimum, this is the answer they were searching
 * for; where the energy ranks a wrong set first, it is that wrong set. Pure
 * but for `energy`, which gets one mask (a buffer it must not keep) per call.
 */
export function lowestMask(
  n: number,
  energy: (mask: Uint8Array) => number,
): { mask: Uint8Array; energy: number } {
  if (!(Number.isInteger(n) && n >= 0 && n <= ENUMERATE_MAX_ENTITIES))
    throw new Error(
      `enumerate: scenes of 0 to ${ENUMERATE_MAX_ENTITIES} entities, got ${n} (2^${n} masks)`,
    );
  const mask = new Uint8Array(n);
  let best = Infinity;
  let bestM = 0;
  for (let m = 0; m < 2 ** n; m++) {
    for (let i = 0; i < n; i++) mask[i] = (m >> i) & 1;
    const e = energy(mask);
    if (e < best) [best, bestM] = [e, m];
  }
  for (let i = 0; i < n; i++) mask[i] = (bestM >> i) & 1;
  return { mask, energy: best };
}

/** Whether the a-chain's `enumerate` covers a scene of n entities (off at 0). */
export function enumerates(chain: { enumerate?: number }, n: number): boolean {
  const bound = chain.enumerate ?? 0;
  return bound > 0 && n <= bound;
}

/**
 * `lowestMask` over an energy of attention logits (how a mask enters the
 * energy: +-L): the lowest mask's logits. Both inference paths answer with it.
 */
export function lowestLogits(
  n: number,
  L: number,
  energyOfLogits: (logits: Float32Array) => number,
): Float32Array {
  const logits = new Float32Array(n);
  const { mask } = lowestMask(n, (m) => {
    for (let i = 0; i < n; i++) logits[i] = m[i] ? L : -L;
    return energyOfLogits(logits);
  });
  return hardLogits(mask, L);
}
