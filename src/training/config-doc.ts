/**
 * The training config's reference, generated from the code so that it cannot
 * drift: every field of `TrainingConfig`, in the order of `DEFAULT_TRAINING`,
 * with its default and a one-line meaning. The meanings live in one table,
 * `CONFIG_FIELDS`, written from the TSDoc of ./config.ts, ../model/config.ts,
 * ../inference/settings.ts and ../inference/langevin.ts (`ChainSettings`).
 * docs/TRAINING.md holds the reference between two marker comments
 * (scripts/config-doc.ts writes it there; ./config-doc.test.ts checks that
 * the table names exactly the fields of the defaults and that the page is
 * current).
 */
import { DEFAULT_TRAINING, type TrainingConfig } from './config.js';

/**
 * Fields whose value is a map keyed by family name: one entry each, since a
 * config replaces them whole (they are not merged key by key).
 */
export const WHOLE_FIELDS: readonly string[] = ['families', 'familyLoss'];

/** The four fields of one chain's settings (`ChainSettings`), training's values. */
const chain = (name: 'w' | 'x' | 'a', what: string): Record<string, string> => ({
  [`inference.${name}.steps`]: `${name}-chain, ${what}: K, its steps in training (a model file stores its own test-time K).`,
  [`inference.${name}.stepSize`]: `${name}-chain: the step size; a step moves ${name} by (stepSize / 2) times the clamped gradient.`,
  [`inference.${name}.noise`]: `${name}-chain: standard deviation of the Gaussian noise added at each step (0: none).`,
  [`inference.${name}.gradClamp`]: `${name}-chain: elementwise clamp of the sampler's gradient dE/d${name} (the method's +-5).`,
});

/** Dotted path -> meaning, one line each: the one place the reference's meanings come from. */
export const CONFIG_FIELDS: Readonly<Record<string, string>> = {
  seed: "Seed of the run: the initial weights, the training episodes and the chains' noise are drawn from it.",
  'model.variant':
    "The energy: `relational` (E = f(sum_ij s(a_i) s(a_j) g([x_i, x_j, w]), w)^2, the paper's), `relational-one-side` (the pair term gated on i only) or `non-relational` (no pairs, the ablation).",
  'model.attributes': 'Attributes per entity (5: px, py, r, g, b).',
  'model.codeSize': 'Size of the concept code w.',
  'model.hidden':
    'Width of every hidden layer of g and f (a larger value under `--from` grows a trained model, its energy unchanged).',
  'model.gLayers': 'Layers of g (each Linear + SiLU); the first takes [x_i, x_j, w].',
  'model.fLayers': 'Hidden layers of f before its output layer.',
  'model.pairDistance':
    'Relational only: give g\'s first layer the distance between the pair\'s positions (`true`) or its square (`"squared"`) as one more input. Not in the paper.',
  'model.pairDirection':
    "Relational only: give g's first layer the pair's direction as a doubled angle, the same for every pair of a straight triple; a number is the radius eps below which it fades (`true`: 0.05). Not in the paper.",
  'model.energyOutputs':
    "Outputs of f: E = f_1^2 + ... + f_k^2 (the paper has one); with k >= 2 the energy's zeros are points, not curves.",
  ...chain(
    'w',
    'concept inference (w starts at 0 and descends the mean energy of the demonstrations)',
  ),
  ...chain('x', 'generation (x starts at x0; only the entities that may move change)'),
  ...chain('a', 'identification (the attention starts at logit 0, probability 0.5)'),
  'inference.attentionLogit':
    "Logit given to a known 0/1 attention (+L attended, -L not), as the demonstrations' attention enters.",
  'inference.attentionRange':
    'Attention logits are clamped to [-attentionRange, attentionRange] (at least attentionLogit).',
  families:
    'Family name -> sampling weight; families left out or at 0 are not trained on. Replaced whole, not merged.',
  entities:
    'Entities per scene: a number, or a range [min, max] drawn per batch (a batch holds one size; families whose minimum is above it sit that batch out).',
  demos: 'Demonstrations per episode (M): a number, or a range [min, max] drawn per batch.',
  'shift.colours':
    "Probability that an episode's colours are jittered: every channel of every colour the concept does not name moves by up to `shift.jitter`.",
  'shift.jitter': 'The largest move of a colour channel in a jittered episode.',
  'shift.geometry':
    "Probability that an episode's geometry is drawn from one of its family's shift bands (small or large); families without bands keep their own.",
  batchSize: 'Episodes per training step.',
  steps:
    'The step the run stops at (a branch with `--from` carries on the step count of where it starts).',
  learningRate: "Adam's learning rate (where the decay starts, if there is one).",
  learningRateDecay:
    '`null`: a constant rate; `{"start": S, "final": F}`: cosine decay from `learningRate` at step S to F at the last step, constant before S.',
  adamBeta1: "Adam's decay of the first moment (< 1).",
  adamBeta2: "Adam's decay of the second moment (< 1).",
  gradClipNorm: 'Global L2 norm clip of the parameter gradient.',
  initGain: 'Scale of the initial weights.',
  'loss.generation':
    'Weight of the generation term: |x1_hat - x1|^2 summed over entities and attributes, mean over episodes.',
  'loss.identification':
    'Weight of the identification term: BCE(a_hat, a), mean over entities and episodes.',
  'loss.kl': "lambda_KL: weight of E_stop(theta) of the chains' own samples (x1_hat and a_hat).",
  'loss.contrastive': 'Weight of the maximum-likelihood term softplus(E(x1) - E(x1_hat)).',
  'loss.energyL2': 'Small L2 on the energies of positives and samples (with the contrastive term).',
  'loss.positiveEnergy':
    "Weight of mean E(x1, a*, w), the true event's energy under the true attention, pressed toward 0.",
  'loss.generationRelativeFloor':
    "When > 0, each episode's generation error is divided by (its start error |x0 - x1|^2 + this floor); 0: the plain squared error.",
  'loss.maskRank':
    'Weight of the mask-ranking term: -log p(right masks | x1, w) over the hard masks of an identification episode (entities at most 12). Not in the paper.',
  'loss.maskRankTemperature':
    "Temperature of the mask-ranking term's Boltzmann distribution (> 0).",
  'loss.maskRankMasks':
    'Masks the mask-ranking term ranks per episode: all 2^N while that is at most this many, else a sample of this many (right masks, their one-entity neighbours, uniform draws). An integer >= 2.',
  'loss.contrastiveSteps':
    "When > 0, the contrastive negative is the x-chain's sample carried this many more steps without a gradient. Not in the paper.",
  familyLoss:
    'Per family, multipliers of its episodes\' generation and identification terms (absent: 1), e.g. `{"make-square": {"identification": 0}}`. Replaced whole.',
  gradientSurgery:
    'PCGrad between the generation and identification sides: when their gradients conflict, each loses its component along the other (a second backward pass).',
  'truncation.wSteps': "Only the w-chain's last k steps are differentiable (`null`: all).",
  'truncation.xSteps': "Only the x-chain's last k steps are differentiable (`null`: all).",
  'truncation.aSteps': "Only the a-chain's last k steps are differentiable (`null`: all).",
  'truncation.firstOrderW':
    'Stop the gradient at the inferred code (first order through the w-chain).',
  checkpointEvery: 'Save `checkpoint/` every this many steps (and at the last).',
  evalEvery:
    'Validate on fresh episodes every this many steps, keeping the best in `best/` (0: never).',
  evalEpisodes: 'Validation episodes per family.',
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The dotted paths of a config's fields, in its key order: nested objects walked, WHOLE_FIELDS kept as one. */
export function configFieldPaths(config: TrainingConfig = DEFAULT_TRAINING): string[] {
  const out: string[] = [];
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix + key;
      if (isPlainObject(value) && !WHOLE_FIELDS.includes(path)) walk(value, `${path}.`);
      else out.push(path);
    }
  };
  walk(config as unknown as Record<string, unknown>, '');
  return out;
}

function valueAt(config: TrainingConfig, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], config);
}

function formatDefault(path: string, value: unknown): string {
  if (path === 'families' && isPlainObject(value)) {
    const weights = new Set(Object.values(value));
    if (weights.size === 1)
      return `\`${[...weights][0]}\` for each of the ${Object.keys(value).length} families`;
  }
  if (Array.isArray(value)) return `\`[${value.map((v) => JSON.stringify(v)).join(', ')}]\``;
  return `\`${JSON.stringify(value)}\``;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The reference as markdown: a sentence on where it comes from and a table of every field. */
export function configReference(): string {
  const rows = configFieldPaths().map((path) => {
    const meaning = CONFIG_FIELDS[path];
    if (meaning === undefined)
      throw new Error(
        `config reference: ${path} has no meaning in CONFIG_FIELDS (src/training/config-doc.ts)`,
      );
    return `| \`${path}\` | ${cell(formatDefault(path, valueAt(DEFAULT_TRAINING, path)))} | ${cell(meaning)} |`;
  });
  return [
    'Every field of a training config, with its default (`DEFAULT_TRAINING`) and meaning. Generated by',
    '`configReference()` in src/training/config-doc.ts: after changing a field, run',
    '`npm run docs:config`.',
    '',
    '| field | default | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

export const CONFIG_REFERENCE_START = '<!-- config-reference:start -->';
export const CONFIG_REFERENCE_END = '<!-- config-reference:end -->';

function markers(page: string): { start: number; end: number } {
  const start = page.indexOf(CONFIG_REFERENCE_START);
  const end = page.indexOf(CONFIG_REFERENCE_END);
  if (start < 0 || end < 0 || end < start)
    throw new Error(`expected ${CONFIG_REFERENCE_START} then ${CONFIG_REFERENCE_END} in the page`);
  if (
    page.indexOf(CONFIG_REFERENCE_START, start + 1) >= 0 ||
    page.indexOf(CONFIG_REFERENCE_END, end + 1) >= 0
  ) {
    throw new Error('each config-reference marker must appear once');
  }
  const after = start + CONFIG_REFERENCE_START.length;
  if (page[after] !== '\n') throw new Error(`${CONFIG_REFERENCE_START} must end its line`);
  return { start: after + 1, end };
}

/** The text a page holds between the markers (the line after the start marker up to the end marker). */
export function extractConfigReference(page: string): string {
  const { start, end } = markers(page);
  return page.slice(start, end);
}

/** `page` with the text between its markers replaced by `reference` (default: the current one). */
export function withConfigReference(page: string, reference: string = configReference()): string {
  const { start, end } = markers(page);
  return page.slice(0, start) + reference + page.slice(end);
}
