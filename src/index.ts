/**
 * The library: `import { ... } from "concept-ebm"`.
 *
 * One import for everything a program needs to use the method: the world,
 * the concept families, the energy, the three Langevin chains, training and
 * evaluation. The groups follow the folders under src/, so the file behind a
 * name is found from its group. Internals (kernels, workers, the CLI) are left
 * out on purpose: they may change without notice.
 *
 * The numeric engine must be started once before any model is built:
 * `await initEngine("wasm")` (or "cpu").
 */

// The numeric engine (tfjs underneath), started once per process.
export { initEngine, backendName, type BackendName, type Tensor } from './engine/index.js';

// Seeded randomness: every function that draws takes an Rng, never Math.random.
export { Rng, rngFor, hashString, type NormalSource } from './random/rng.js';

// The world: scenes, the robot arm, the JSON interchange format, SVG.
export * from './world/types.js';
export {
  AGENT_COLOR,
  PALETTE,
  PALETTE_NAMES,
  isAgent,
  agentIndex,
  distance,
  colorDistance,
  cloneScene,
  sceneToArray,
  arrayToScene,
  meanDisplacement,
} from './world/scene.js';
export {
  DEFAULT_ARM,
  armJoints,
  armEffector,
  clampAngles,
  armReach,
  type ArmSpec,
} from './world/arm.js';
export * from './world/interchange.js';
export {
  sceneSvg,
  attentionSvg,
  eventSvg,
  trajectorySvg,
  gridSvg,
  type SvgOptions,
} from './world/svg.js';
export { armSvg, pathSvg } from './world/arm-svg.js';
export { episodeFigures, type Figure, type EpisodeFigureOptions } from './world/episode-svg.js';

// The concept families: ground-truth generators and checkers, and episodes.
export { FAMILIES, getFamily } from './concepts/index.js';
export * from './concepts/family.js';
export {
  sampleEpisode,
  checkAnswer,
  thresholdAttention,
  type EpisodeOptions,
  type SampledEpisode,
  type EpisodeCheck,
  type QueryCheck,
} from './concepts/episode.js';

// The energy E(x, a, w), its parameters and model folders.
export { EnergyModel } from './model/model.js';
export {
  ENERGY_VARIANTS,
  DEFAULT_MODEL_CONFIG,
  PAIR_DISTANCE_EPS,
  canonicalModelConfig,
  validateModelConfig,
  type EnergyVariant,
  type ModelConfig,
} from './model/config.js';
export {
  paramSpecs,
  countParams,
  type ParamAxis,
  type ParamSpec,
  type ParamValues,
} from './model/params.js';
export { saveModelDir, loadModelDir, MANIFEST_FILE, type LoadOptions } from './model/store.js';
export { modelChecksum } from './model/checksum.js';
export {
  encodeModel,
  decodeModel,
  parseManifest,
  ModelFileError,
  MODEL_FORMAT,
  MODEL_VERSION,
  type ModelData,
  type ModelManifest,
} from './model/serialize.js';
export {
  loadTrainedModel,
  shippedModelDir,
  trainedFromData,
  type TrainedModel,
} from './inference/trained.js';
export { sumModels, summedConfig, sumProblem, describeSum } from './model/sum.js';

// Inference is optimisation: Langevin over w (concept), x (generate), a (identify).
export {
  langevin,
  validateChainSettings,
  type ChainSettings,
  type ChainRange,
  type LangevinOptions,
  type LangevinResult,
  type TrajectoryStep,
} from './inference/langevin.js';
export {
  DEFAULT_INFERENCE,
  STATE_RANGE,
  validateInferenceSettings,
  withChains,
  type InferenceSettings,
} from './inference/settings.js';
export {
  inferConcept,
  generate,
  identify,
  type ConceptResult,
  type GenerateResult,
  type IdentifyResult,
} from './inference/infer.js';
export {
  answerEpisode,
  type AnswerOptions,
  type AnswerWithTrajectories,
} from './inference/answer.js';
export { reachWithArm, type ArmReach } from './inference/arm.js';
export {
  COMPOSE_OPS,
  DEFAULT_COMPOSE,
  generateComposed,
  type ComposeOp,
  type ComposeOptions,
} from './inference/compose.js';

// Training: backpropagation through the unrolled chains.
export {
  DEFAULT_TRAINING,
  resolveTrainingConfig,
  validateTrainingConfig,
  learningRateAt,
  familyMixture,
  type TrainingConfig,
  type LossWeights,
  type Truncation,
} from './training/config.js';
export { trainingLoss, type LossParts, type LossInputs } from './training/loss.js';
export { runTraining, readConfigFile, type RunOptions, type RunResult } from './training/run.js';
export { type IntRange, type TrainingShift, type FamilyLossWeights } from './training/config.js';
export {
  type EvalRecord,
  type StepRecord,
  type TrainState,
  type Validator,
} from './training/trainer.js';
export {
  parseRecipe,
  readRecipe,
  runRecipe,
  type Recipe,
  type Stage,
  type TrainStage,
  type ExportStage,
  type RecipeOptions,
  type RecipeResult,
} from './training/recipe.js';
export { lockRunFolder, FolderLockedError } from './training/run-folder.js';

// Evaluation: per-family scores beside chance and the untrained model.
export {
  evaluateModel,
  parseFamilies,
  reportTable,
  reportMarkdown,
  reportJson,
  overall,
  type EvalReport,
  type FamilyReport,
  type ArmReport,
} from './evaluation/report.js';
export {
  evaluateFamily,
  answerEvalEpisode,
  type EvalOptions,
  type FamilyScore,
} from './evaluation/evaluate.js';
export { validateRun } from './evaluation/validation.js';
export { type EvalProgress, type Overall } from './evaluation/report.js';
export { chanceScore } from './evaluation/baselines.js';
export { wilson, meanInterval } from './evaluation/stats.js';

// One inference API over two backends: the engine (differentiable) and the kernel (fast, first order).
export {
  engineBackend,
  kernelBackend,
  backendOf,
  INFERENCE_BACKENDS,
  type InferenceBackend,
  type InferenceBackendName,
  type GenerateOptions,
  type IdentifyOptions,
} from './inference/backend.js';
export { type SceneShift } from './concepts/scene-shift.js';
