import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, bottom to top: a folder imports only from itself and
 * the layers below it. web/, bench/, scripts/ and test/ sit on top of
 * everything. Tests keep the same rule; they may also import the
 * test-utils folders, which product code may not.
 */
const LAYERS = [
  ['util', 'random'],
  ['engine'],
  ['world'],
  ['concepts'],
  ['model'],
  ['inference'],
  ['training'],
  ['evaluation'],
  ['cli'],
];

const TFJS = {
  group: ['@tensorflow/*'],
  message: 'Only src/engine imports TensorFlow.js: go through the engine (src/engine).',
};
const TEST_UTILS = { regex: '(^|/)test-utils/', message: 'test-utils are for tests only.' };

function layerRules() {
  return LAYERS.flatMap((folders, level) => {
    const above = LAYERS.slice(level + 1).flat();
    return folders.map((folder) => {
      const upward = {
        regex: `^(\\.\\./)+(${above.join('|')})/`,
        message: `src/${folder} sits below ${above.join(', ')}: layers import downward only (eslint.config.js, LAYERS).`,
      };
      const patterns = [
        ...(above.length > 0 ? [upward] : []),
        ...(folder === 'engine' ? [] : [TFJS]),
      ];
      return [
        {
          files: [`src/${folder}/**/*.ts`],
          rules: { 'no-restricted-imports': ['error', { patterns: [...patterns, TEST_UTILS] }] },
        },
        {
          files: [`src/${folder}/**/*.test.ts`, `src/${folder}/**/test-utils/**/*.ts`],
          rules: { 'no-restricted-imports': ['error', { patterns }] },
        },
      ];
    });
  }).flat();
}

export default tseslint.config(
  { ignores: ['src/engine/tfjs-gradients.js', 'dist/**', 'node_modules/**', 'scratch/**', 'web/dist/**', 'runs/**', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Library code takes randomness as an argument: Math.random would break seeded runs.
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use an Rng passed in (src/random).' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  ...layerRules(),
  {
    files: ['src/index.ts', 'web/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [TFJS] }] },
  },
  // The browser build's stand-in for the engine's bundled gradients: the engine's packaging, not a user of tfjs.
  { files: ['web/tfjs-gradients.ts'], rules: { 'no-restricted-imports': 'off' } },
);
