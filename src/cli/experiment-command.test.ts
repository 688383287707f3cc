/** `concept-ebm experiment`: files written, the results page, and bad names. */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture } from '../test-utils/cli.js';
import { runExperimentCommand } from './commands/experiment.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cebm-experiment-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('experiment command', () => {
  it(
    "writes each experiment's folder and a results page with the commands that made them",
    { timeout: 150_000 },
    async () => {
      const io = capture();
      const out = join(dir, 'results');
      const page = join(dir, 'RESULTS.md');
      const code = await runExperimentCommand(
        { name: 'codes,robot', quick: true, out, page, trainDir: join(dir, 'runs') },
        io,
      );
      expect(code).toBe(0);
      for (const f of [
        'codes/README.md',
        'codes/codes.svg',
        'codes/result.json',
        'robot/README.md',
        'robot/robot.svg',
      ]) {
        expect(existsSync(join(out, f)), f).toBe(true);
      }
      const result = JSON.parse(await readFile(join(out, 'codes', 'result.json'), 'utf8'));
      expect(result.name).toBe('codes');
      expect(result.command).toBe(`npx concept-ebm experiment codes --out ${out} --quick`);
      expect(result.checks.every((c: { holds: boolean }) => c.holds)).toBe(true);
      const text = await readFile(page, 'utf8');
      expect(text).toContain('## Concept codes');
      expect(text).toContain('## Transfer to a robot arm');
      expect(text).toContain(`npx concept-ebm experiment robot --out ${out} --quick`);
      expect(text).toMatch(/!\[[^\]]+\]\(results\/codes\/codes\.svg\)/);
      expect(io.out).toMatch(/codes: holds: red and make-red centroids/);
    },
  );

  it('names an unknown experiment, suggests the nearest, exit 2', async () => {
    const io = capture();
    const code = await runExperimentCommand({ name: 'step', quick: true, out: join(dir, 'x') }, io);
    expect(code).toBe(2);
    expect(io.err).toMatch(/unknown experiment "step" \(did you mean "steps"\?\)/);
  });
});
