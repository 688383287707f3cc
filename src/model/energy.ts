/**
 * The concept energy E(x, a, w) of docs/METHOD.md, "The energy", batched:
 *
 *   relational:          E = f( sum_{i,j} s(a_i) s(a_j) g([x_i, x_j, w]), w )^2
 *   relational-one-side: E = f( sum_{i,j} s(a_i)        g([x_i, x_j, w]), w )^2
 *   non-relational:      E = f( sum_i    s(a_i)        g([x_i, w]),      w )^2
 *
 * with s = sigmoid, g and f MLPs with SiLU (smooth: the method needs second
 * derivatives). Shapes: x [B, N, D], a [B, N] (attention logits), w [B, DW];
 * the result is [B]. N may differ between calls.
 *
 * The first layer of g is linear in its concatenated input, so
 * W [x_i, x_j, w] = Wi x_i + Wj x_j + Ww w: it is computed per entity and
 * broadcast over pairs (N D H instead of N^2 (2D + DW) H multiplies), which
 * also avoids concat and gather on the pair tensor.
 *
 * With `pairDistance`, the pair's first layer also gets d_ij g0.wd, where
 * d_ij = sqrt(|p_i - p_j|^2 + eps^2) - eps over the two position attributes
 * (with pairDistance 'squared': d_ij = |p_i - p_j|^2). With `pairDirection`,
 * it also gets v_ij g0.wv, v_ij the pair's doubled-angle direction (below).
 */
import * as T from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import { PAIR_DISTANCE_EPS, pairDirectionEps, type ModelConfig } from './config.js';

/** Parameters as tensors (variables while training, constants or stopped while frozen). */
export type ParamTensors = Record<string, Tensor>;

function dense(x: Tensor, w: Tensor, b: Tensor): Tensor {
  return T.add(T.matMul(x, w), b);
}

/** p_i - p_j over the entities' positions (attributes 0 and 1): [B, N, N, 2]. */
export function pairDiffs(x: Tensor): Tensor {
  const [B, N] = x.shape;
  const pos = T.slice(x, [0, 0, 0], [B, N, 2]);
  return T.sub(T.reshape(pos, [B, N, 1, 2]), T.reshape(pos, [B, 1, N, 2]));
}

/** Smoothed distances (or, `squared`, squared distances) between the entities' positions: [B, N, N]. */
export function pairDistances(x: Tensor, squared = false, diff: Tensor = pairDiffs(x)): Tensor {
  const r2 = T.sum(T.square(diff), 3);
  if (squared) return r2;
  return T.sub(T.sqrt(T.add(r2, PAIR_DISTANCE_EPS * PAIR_DISTANCE_EPS)), PAIR_DISTANCE_EPS);
}

/**
 * The pairs' directions as doubled angles, (dx^2 - dy^2, 2 dx dy) / (r^2 + eps^2)
 * over the position attributes: [B, N, N, 2], 0 on the diagonal.
 */
export function pairDirections(
  x: Tensor,
  eps = PAIR_DISTANCE_EPS,
  diff: Tensor = pairDiffs(x),
): Tensor {
  const [B, N] = diff.shape;
  const dx = T.slice(diff, [0, 0, 0, 0], [B, N, N, 1]);
  const dy = T.slice(diff, [0, 0, 0, 1], [B, N, N, 1]);
  const denom = T.add(T.add(T.square(dx), T.square(dy)), eps * eps);
  const v = T.concat([T.sub(T.square(dx), T.square(dy)), T.mul(T.mul(dx, dy), 2)], 3);
  return T.div(v, denom);
}

/**
 * All of g, none of the attention: g's output for every pair [B, N, N, H]
 * (relational variants) or entity [B, N, H] (non-relational). The attention
 * enters only afterwards, as gates on the pooling, so a chain over a, or
 * several energies of one scene under other attentions, can share them
 * (`energyOfRelations`, `energyOfAttentionsGiven`).
 */
export function relations(config: ModelConfig, p: ParamTensors, x: Tensor, w: Tensor): Tensor {
  checkSceneAndCode(config, x, w);
  const [B, N, D] = x.shape;
  const H = config.hidden;
  const xf = T.reshape(x, [B * N, D]);
  const wProj = T.add(T.matMul(w, p['g0.ww']), p['g0.b']); // [B, H]
  const pi = T.matMul(xf, p['g0.wi']); // [B*N, H]

  if (config.variant === 'non-relational') {
    let h = T.silu(T.add(T.reshape(pi, [B, N, H]), T.reshape(wProj, [B, 1, H])));
    for (let k = 1; k < config.gLayers; k++) {
      h = T.silu(dense(T.reshape(h, [B * N, H]), p[`g${k}.w`], p[`g${k}.b`]));
    }
    return T.reshape(h, [B, N, H]);
  }

  const pj = T.matMul(xf, p['g0.wj']);
  let pre = T.add(
    T.add(T.reshape(pi, [B, N, 1, H]), T.reshape(pj, [B, 1, N, H])),
    T.reshape(wProj, [B, 1, 1, H]),
  ); // [B, N, N, H]
  // One tensor of differences serves the distance and the direction. The shipped model's second
  // energy was trained with two copies, whose gradients sum in another order (1e-8 apart); training
  // with the direction at eps 0.05 is chaotic enough that the recipe's direction stages, rerun,
  // end near it but not on it (docs/TRAINING.md, "Reproducibility").
  const diff = config.pairDistance || config.pairDirection ? pairDiffs(x) : null;
  if (config.pairDistance) {
    const d = pairDistances(x, config.pairDistance === 'squared', diff!); // [B, N, N]
    pre = T.add(pre, T.mul(T.reshape(d, [B, N, N, 1]), T.reshape(p['g0.wd'], [1, 1, 1, H])));
  }
  if (config.pairDirection) {
    const v = T.reshape(pairDirections(x, pairDirectionEps(config), diff!), [B * N * N, 2]);
    pre = T.add(pre, T.reshape(T.matMul(v, p['g0.wv']), [B, N, N, H]));
  }
  let h = T.silu(pre);
  for (let k = 1; k < config.gLayers; k++) {
    h = T.silu(dense(T.reshape(h, [B * N * N, H]), p[`g${k}.w`], p[`g${k}.b`]));
  }
  return T.reshape(h, [B, N, N, H]);
}

/** Pooled relation features [B, H], from g's features h (`relations`). */
function pooled(config: ModelConfig, h: Tensor, a: Tensor): Tensor {
  const [B, N] = a.shape;
  const gate1 = T.sigmoid(a); // [B, N]
  if (config.variant === 'non-relational') return T.sum(T.mul(h, T.reshape(gate1, [B, N, 1])), 1);
  const gate =
    config.variant === 'relational'
      ? T.mul(T.reshape(gate1, [B, N, 1, 1]), T.reshape(gate1, [B, 1, N, 1]))
      : T.reshape(gate1, [B, N, 1, 1]);
  return T.sum(T.mul(h, gate), [1, 2]);
}

function checkSceneAndCode(config: ModelConfig, x: Tensor, w: Tensor) {
  const [B, , D] = x.shape;
  if (x.rank !== 3 || D !== config.attributes) {
    throw new Error(`energy: x must be [B, N, ${config.attributes}], got [${x.shape}]`);
  }
  if (w.rank !== 2 || w.shape[0] !== B || w.shape[1] !== config.codeSize) {
    throw new Error(`energy: w must be [${B}, ${config.codeSize}], got [${w.shape}]`);
  }
}

/** a against g's features h [B, N, ...]: one pattern a scene [B, N], or K of them [B, K, N]. */
function checkAttention(h: Tensor, a: Tensor, patterns: boolean) {
  const [B, N] = h.shape;
  const ok = patterns
    ? a.rank === 3 && a.shape[0] === B && a.shape[2] === N
    : a.rank === 2 && a.shape[0] === B && a.shape[1] === N;
  if (!ok)
    throw new Error(`energy: a must be [${B}, ${patterns ? 'K, ' : ''}${N}], got [${a.shape}]`);
}

/** f's layers after the first, and the squared outputs: [R, H] -> [R]. */
function head(config: ModelConfig, p: ParamTensors, h0: Tensor): Tensor {
  let h = h0;
  for (let k = 1; k < config.fLayers; k++) {
    h = T.silu(dense(h, p[`f${k}.w`], p[`f${k}.b`]));
  }
  const out = dense(h, p['out.w'], p['out.b']); // [R, K]
  return T.sum(T.square(out), 1);
}

/**
 * E(x, a_k, w) for K attention patterns of each scene at once: x [B, N, D],
 * a [B, K, N] (logits), w [B, DW]; the result is [B, K], equal to `energy`
 * of each pattern up to float rounding. The attention enters only as gates
 * on g's pooling, so g runs once per scene and a pattern costs one row of a
 * batched product and f: ranking all 64 masks of a 6-entity scene (the
 * mask-ranking term) is 12-22 times faster than 64 energies
 * (bench/mask-rank.ts).
 */
export function energyOfAttentions(
  config: ModelConfig,
  p: ParamTensors,
  x: Tensor,
  a: Tensor,
  w: Tensor,
): Tensor {
  return energyOfAttentionsGiven(config, p, relations(config, p, x, w), a, w);
}

/** `energyOfAttentions` from g's features h = relations(x, w): a [B, K, N] -> [B, K]. */
export function energyOfAttentionsGiven(
  config: ModelConfig,
  p: ParamTensors,
  h: Tensor,
  a: Tensor,
  w: Tensor,
): Tensor {
  checkAttention(h, a, true);
  const [B, N] = h.shape;
  const K = a.shape[1] as number;
  const H = config.hidden;
  const s = T.sigmoid(a); // [B, K, N]
  const rows = config.variant === 'non-relational' ? N : N * N;
  const gates =
    config.variant === 'non-relational'
      ? s
      : T.reshape(
          T.mul(
            T.reshape(s, [B, K, N, 1]),
            config.variant === 'relational' ? T.reshape(s, [B, K, 1, N]) : T.ones([1, 1, 1, N]),
          ),
          [B, K, rows],
        );
  // [B, K, rows] x [B, rows, H]: batched, neither operand broadcast (see ../engine/index.ts).
  const pool = T.matMul(gates, T.reshape(h, [B, rows, H])); // [B, K, H]
  const fromW = T.add(T.matMul(w, p['f0.ww']), p['f0.b']); // [B, H]
  const h0 = T.silu(
    T.add(
      T.reshape(T.matMul(T.reshape(pool, [B * K, H]), p['f0.wp']), [B, K, H]),
      T.reshape(fromW, [B, 1, H]),
    ),
  );
  return T.reshape(head(config, p, T.reshape(h0, [B * K, H])), [B, K]);
}

/** E(x, a, w) for a batch: [B]. */
export function energy(
  config: ModelConfig,
  p: ParamTensors,
  x: Tensor,
  a: Tensor,
  w: Tensor,
): Tensor {
  return energyOfRelations(config, p, relations(config, p, x, w), a, w);
}

/**
 * E(x, a, w) from g's features h = relations(x, w): [B]. Equal to `energy`
 * bit for bit; a chain over a calls g once instead of once a step.
 */
export function energyOfRelations(
  config: ModelConfig,
  p: ParamTensors,
  h: Tensor,
  a: Tensor,
  w: Tensor,
): Tensor {
  checkAttention(h, a, false);
  const pool = pooled(config, h, a);
  return head(
    config,
    p,
    T.silu(T.add(T.add(T.matMul(pool, p['f0.wp']), T.matMul(w, p['f0.ww'])), p['f0.b'])),
  );
}

/** The parameters seen through a first-order stop: used for the KL term's E_stop(theta). */
export function frozen(p: ParamTensors): ParamTensors {
  const out: ParamTensors = {};
  for (const [k, v] of Object.entries(p)) out[k] = T.stopGradient(v);
  return out;
}
