/**
 * The layer rule (eslint.config.js): the whole tree lints clean, and the rule
 * does fire on an import that runs upward, on tfjs outside the engine and on
 * test-utils in product code.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();
const messages = async (path: string, text: string) =>
  (await eslint.lintText(text, { filePath: path }))[0].messages
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);

describe('layers import downward only', () => {
  it('refuses an upward import, tfjs outside the engine and test-utils in product code', async () => {
    expect(
      await messages(
        'src/world/probe.ts',
        "import { getFamily } from '../concepts/index.js';\nexport const f = getFamily;\n",
      ),
    ).toEqual([expect.stringMatching(/src\/world sits below concepts/)]);
    expect(
      await messages(
        'src/training/probe.ts',
        "import { validateRun } from '../evaluation/validation.js';\nexport const v = validateRun;\n",
      ),
    ).toHaveLength(1);
    expect(
      await messages(
        'src/model/probe.ts',
        "import * as tf from '@tensorflow/tfjs-core';\nexport const t = tf;\n",
      ),
    ).toEqual([expect.stringMatching(/Only src\/engine imports TensorFlow.js/)]);
    expect(
      await messages(
        'src/model/probe.ts',
        "import { x } from '../test-utils/engine.js';\nexport const y = x;\n",
      ),
    ).toHaveLength(1);
    expect(
      await messages(
        'src/model/probe.test.ts',
        "import { x } from '../test-utils/engine.js';\nexport const y = x;\n",
      ),
    ).toEqual([]);
    expect(
      await messages(
        'src/evaluation/probe.ts',
        "import { sampleEpisode } from '../training/batch.js';\nexport const s = sampleEpisode;\n",
      ),
    ).toEqual([]);
  });

  it('holds over src', async () => {
    const results = await eslint.lintFiles(['src']);
    const broken = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === 'no-restricted-imports')
        .map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(broken).toEqual([]);
  }, 120_000);
});
