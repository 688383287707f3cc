/**
 * What an experiment is: one claim of docs/RESULTS.md turned into numbers,
 * tables and plots. Experiments compute; the runner (runner.ts) writes files.
 */
import type { InferenceSettings } from '../../inference/settings.js';
import type { EnergyModel } from '../../model/model.js';

export const EXPERIMENT_NAMES = [
  'steps',
  'relational',
  'kl',
  'joint',
  'codes',
  'fewshot',
  'robot',
  'entities',
  'compose',
  'shift',
] as const;
export type ExperimentName = (typeof EXPERIMENT_NAMES)[number];

export function isExperimentName(s: string): s is ExperimentName {
  return (EXPERIMENT_NAMES as readonly string[]).includes(s);
}

export interface ExperimentContext {
  /** The model under study (the shipped model unless --model says otherwise). */
  model: EnergyModel;
  settings: InferenceSettings;
  /** The chains the model was trained with (from its metadata), when known. */
  trainedSettings?: InferenceSettings;
  /** Where the model came from, for the page. */
  modelLabel: string;
  /** Reduced budgets everywhere (tests): each experiment in well under two minutes. */
  quick: boolean;
  seed: number;
  /** Evaluation episodes per family per condition. */
  episodes: number;
  /** Folder for the extra models some experiments train (reused when their config matches). */
  trainDir: string;
  /** Progress lines for the terminal. */
  log: (line: string) => void;
}

export interface Plot {
  /** File name inside the experiment's folder (".svg"). */
  file: string;
  caption: string;
  svg: string;
}

/**
 * A property a working implementation must show; the quick tests assert
 * these. A check marked `claim` tests the claim itself on the model at hand
 * (its verdict says the same): it is reported, but a model for which the
 * claim fails is not a broken implementation, so the tests do not require it.
 */
export interface Check {
  property: string;
  holds: boolean;
  detail: string;
  claim?: boolean;
}

export interface ExperimentResult {
  name: ExperimentName;
  title: string;
  /** The paper's claim (or ours, beyond the paper) being measured. */
  claim: string;
  /** What was run: models, budgets, episodes, seeds. */
  setup: string[];
  /** Markdown tables. */
  tables: string[];
  plots: Plot[];
  /** A short reading of the numbers, written from them (not by hand). */
  reading: string[];
  checks: Check[];
  /** Everything measured, for results.json. */
  data: unknown;
}

export interface Experiment {
  name: ExperimentName;
  title: string;
  claim: string;
  run(ctx: ExperimentContext): Promise<ExperimentResult>;
}
