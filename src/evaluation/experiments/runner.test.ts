import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CONFIG, describeEnergy } from '../../model/config.js';
import { resultsPage, type PageInput } from './runner.js';

describe('the results page', () => {
  const base: PageInput = {
    pagePath: 'docs/RESULTS.md',
    outDir: 'docs/results',
    modelLabel: 'the shipped model (`models/default`)',
    seed: 2024,
    episodes: 200,
    results: [],
    generatedBy: 'npm run results',
  };

  it("states the model's energy, departures from the paper named, in its header", () => {
    const energy = describeEnergy({
      ...DEFAULT_MODEL_CONFIG,
      energyOutputs: 4,
      pairDistance: true,
    });
    const header = resultsPage({ ...base, modelEnergy: energy })
      .split('\n')
      .find((l) => l.includes('Model under study'));
    expect(header).toContain(
      `Model under study: the shipped model (\`models/default\`) (${energy}).`,
    );
    expect(header).toContain('the paper has one');
  });

  it('leaves the header as it was without one', () => {
    const header = resultsPage(base)
      .split('\n')
      .find((l) => l.includes('Model under study'));
    expect(header).toContain('Model under study: the shipped model (`models/default`). Evaluation');
  });
});
