/**
 * The experiments of docs/RESULTS.md, one per claim, in a typed table:
 * adding a name to EXPERIMENT_NAMES without an experiment does not compile.
 */
import { codesExperiment } from './codes.js';
import { composeExperiment } from './compose.js';
import { entitiesExperiment } from './entities.js';
import { fewshotExperiment } from './fewshot.js';
import { jointExperiment } from './joint.js';
import { klExperiment } from './kl.js';
import { relationalExperiment } from './relational.js';
import { robotExperiment } from './robot.js';
import { shiftExperiment } from './shift.js';
import { stepsExperiment } from './steps.js';
import type { Experiment, ExperimentName } from './types.js';

export const EXPERIMENTS: { readonly [K in ExperimentName]: Experiment & { name: K } } = {
  steps: stepsExperiment as Experiment & { name: 'steps' },
  relational: relationalExperiment as Experiment & { name: 'relational' },
  kl: klExperiment as Experiment & { name: 'kl' },
  joint: jointExperiment as Experiment & { name: 'joint' },
  codes: codesExperiment as Experiment & { name: 'codes' },
  fewshot: fewshotExperiment as Experiment & { name: 'fewshot' },
  robot: robotExperiment as Experiment & { name: 'robot' },
  entities: entitiesExperiment as Experiment & { name: 'entities' },
  compose: composeExperiment as Experiment & { name: 'compose' },
  shift: shiftExperiment as Experiment & { name: 'shift' },
};

export { EXPERIMENT_NAMES, isExperimentName } from './types.js';
export type {
  Check,
  Experiment,
  ExperimentContext,
  ExperimentName,
  ExperimentResult,
  Plot,
} from './types.js';
