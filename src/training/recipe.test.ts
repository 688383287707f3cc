/**
 * A recipe runs its stages in order into one folder, carries on after an
 * interruption, and ends in its model (a sum when it says so).
 */
import { tempDirs, tinyConfig } from './test-utils/runs.js';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelDir } from '../model/store.js';
import { useEngine } from '../test-utils/engine.js';
import { describeRecipe, parseRecipe, runRecipe, type Recipe } from './recipe.js';

await useEngine();

const tempDir = tempDirs('recipe');

const base = tinyConfig({ steps: 2, checkpointEvery: 1 });

async function recipeIn(dir: string): Promise<Recipe> {
  await writeFile(join(dir, 'a.json'), JSON.stringify(base));
  await writeFile(join(dir, 'b.json'), JSON.stringify({ ...base, steps: 4, learningRate: 5e-4 }));
  await writeFile(join(dir, 'c.json'), JSON.stringify({ ...base, steps: 6 }));
  return parseRecipe({
    stages: [
      { name: 'first', config: join(dir, 'a.json') },
      { name: 'second', config: join(dir, 'b.json'), from: 'first' },
      { name: 'exported', export: 'second', chains: { a: { steps: 7 } } },
      {
        name: 'third',
        config: join(dir, 'c.json'),
        from: 'exported',
        set: { 'loss.contrastive': 0.1 },
      },
      { name: 'other', config: join(dir, 'a.json'), set: { seed: 9, 'model.hidden': 16 } },
    ],
    model: { from: 'exported', add: 'other', addWeight: 0.5, chains: { x: { steps: 9 } } },
  });
}

describe('recipes', () => {
  it('run every stage, branch as told, and end in the summed model', async () => {
    const dir = await tempDir();
    const out = join(dir, 'run');
    const notes: string[] = [];
    const r = await runRecipe(await recipeIn(dir), {
      out,
      root: dir,
      name: 'tiny',
      set: { seed: 3, loss: { kl: 0 } },
      onStage: (i, n, s, note) => notes.push(`${i + 1}/${n} ${s?.name ?? 'model'}: ${note}`),
    });
    expect(r.stoppedBy).toBe('done');
    expect(notes).toEqual([
      '1/6 first: from scratch',
      '2/6 second: from first',
      '3/6 exported: export of second',
      '4/6 third: from exported',
      '5/6 other: from scratch',
      '6/6 model: the model: exported + 0.5 other',
    ]);
    // second continued first's step count; third continued the export's count (4 -> 6), with fresh moments
    expect((await loadModelDir(join(out, 'second', 'checkpoint'))).meta.step).toBe(4);
    const thirdLog = (await readFile(join(out, 'third', 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).step);
    expect(thirdLog).toEqual([5, 6]);
    const third = JSON.parse(await readFile(join(out, 'third', 'config.json'), 'utf8'));
    expect(third.loss.contrastive).toBe(0.1);
    expect((await loadModelDir(join(out, 'exported'))).inference).toMatchObject({
      a: { steps: 7 },
    });
    const model = await loadModelDir(join(out, 'model'));
    expect(model.config.hidden).toBe(8 + 16);
    expect(model.inference).toMatchObject({ a: { steps: 7 }, x: { steps: 9 } });
    expect(model.meta.recipe).toEqual({
      name: 'tiny',
      set: { seed: 3, loss: { kl: 0 } },
      from: 'exported',
      add: 'other',
      addWeight: 0.5,
    });
    // The results page names the command that made the model.
    expect(describeRecipe(model.meta)).toEqual([
      'made by `npx concept-ebm train --recipe tiny --out runs/tiny --set seed=3 --set loss.kl=0`',
    ]);
    expect(describeRecipe({})).toEqual([]);
  });

  it('carries on after an interruption, skipping the stages already done', async () => {
    const dir = await tempDir();
    const out = join(dir, 'run');
    const recipe = await recipeIn(dir);
    let steps = 0;
    const stopped = await runRecipe(recipe, {
      out,
      root: dir,
      run: { shouldStop: () => ++steps > 3 },
    });
    expect(stopped).toMatchObject({ stoppedBy: 'signal', stage: 'second' });
    expect(existsSync(join(out, 'first', 'stage.done'))).toBe(true);
    const notes: string[] = [];
    const r = await runRecipe(recipe, {
      out,
      root: dir,
      onStage: (_i, _n, s, note) => notes.push(`${s?.name}: ${note}`),
    });
    expect(r.stoppedBy).toBe('done');
    expect(notes.slice(0, 2)).toEqual(['first: done already', 'second: resuming']);
    expect((await loadModelDir(join(out, 'second', 'checkpoint'))).meta.step).toBe(4);
  });

  it('refuses a recipe whose references do not resolve, naming the field', () => {
    const stages = [{ name: 'a', config: 'x.json' }];
    expect(() => parseRecipe({ stages, model: { from: 'b' } })).toThrow(
      /model\.from: "b" is not a stage/,
    );
    expect(() =>
      parseRecipe({ stages: [...stages, { name: 'a', config: 'y.json' }], model: { from: 'a' } }),
    ).toThrow(/"a" names two stages/);
    expect(() =>
      parseRecipe({ stages: [{ name: 'e', export: 'a' }, ...stages], model: { from: 'a' } }),
    ).toThrow(/stages\[0\]\.export: "a" is not an earlier training stage/);
    expect(() =>
      parseRecipe({ stages: [{ name: 'a', config: 'x.json', from: 'z' }], model: { from: 'a' } }),
    ).toThrow(/stages\[0\]\.from: "z"/);
    expect(() => parseRecipe({ stages: [], model: { from: 'a' } })).toThrow(
      /stages: expected a non-empty list/,
    );
  });
});
