/**
 * The committed recipes (recipes/*.json) parse, every stage's config loads,
 * and the shipped recipe ends in the test-time chains models/default holds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from './run.js';
import { readRecipe } from './recipe.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const files = readdirSync(`${root}recipes`).filter((f) => f.endsWith('.json'));

describe('committed recipes', () => {
  it.each(files)('%s parses and every stage config loads', async (file) => {
    const recipe = await readRecipe(`${root}recipes/${file}`);
    for (const s of recipe.stages) if ('config' in s) await readConfigFile(`${root}${s.config}`);
  });

  it('shipped ends in the chains of models/default', async () => {
    const recipe = await readRecipe(`${root}recipes/shipped.json`);
    const shipped = JSON.parse(readFileSync(`${root}models/default/model.json`, 'utf8'));
    expect(shipped.inference.x).toMatchObject(recipe.model.chains!.x!);
    expect(shipped.inference.a).toMatchObject(recipe.model.chains!.a!);
    expect(shipped.inference.a.enumerate).toBe(12);
    expect(shipped.inference.w).toMatchObject(recipe.model.chains!.w!);
    expect(shipped.inference.w.noise).toBe(0);
    const lineage = recipe.stages.find((s) => s.name === recipe.model.from)!;
    expect('export' in lineage && lineage.chains?.a).toMatchObject({
      restarts: shipped.inference.a.restarts,
      polish: shipped.inference.a.polish,
      noise: shipped.inference.a.noise,
    });
    expect(recipe.model.addWeight).toBe(0.75);
    // The model names its recipe, and the recipe's sum is the one it records.
    expect(shipped.meta.recipe).toMatchObject({
      name: 'shipped',
      from: recipe.model.from,
      add: recipe.model.add,
      addWeight: recipe.model.addWeight,
    });
  });
});
