/**
 * The playground page's elements, looked up once by id (a missing one is an
 * error at load), and the buttons that start a chain.
 */

export const $ = <E extends HTMLElement = HTMLElement>(id: string): E => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as E;
};

export const el = {
  status: $('model-status'),
  noModel: $('no-model'),
  noModelText: $('no-model-text'),
  untrained: $<HTMLButtonElement>('untrained'),
  family: $<HTMLSelectElement>('family'),
  seed: $<HTMLInputElement>('seed'),
  demos: $<HTMLInputElement>('demos'),
  entities: $<HTMLInputElement>('entities'),
  familyDescription: $('family-description'),
  demosStrip: $('demos-strip'),
  editingLabel: $('editing-label'),
  palette: $('palette'),
  scene: $('scene'),
  stepCounter: $('step-counter'),
  chainName: $('chain-name'),
  answer: $('answer'),
  truthLine: $('truth-line'),
  verdict: $('verdict'),
  timing: $('timing'),
  speed: $<HTMLSelectElement>('speed'),
  knobRows: $('knob-rows'),
  plots: $('plots'),
  code: $('code'),
  conceptLabel: $('concept-label'),
  landscapeEntity: $<HTMLSelectElement>('landscape-entity'),
  landscape: $<HTMLCanvasElement>('landscape'),
  landscapeInfo: $('landscape-info'),
  keptA: $('kept-a'),
  keptB: $('kept-b'),
  composeOp: $<HTMLSelectElement>('compose-op'),
  notWeight: $<HTMLInputElement>('not-weight'),
  temperature: $<HTMLInputElement>('temperature'),
  armScene: $('arm-scene'),
  armVerdict: $('arm-verdict'),
  link: $<HTMLInputElement>('link'),
  stateJson: $('state-json'),
  footer: $('footer'),
};

export const runButtons = [
  'infer',
  'identify',
  'generate',
  'generate-composed',
  'reach',
  'keep-a',
  'keep-b',
].map((id) => $<HTMLButtonElement>(id));
