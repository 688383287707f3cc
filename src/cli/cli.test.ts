import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILY_NAMES } from '../concepts/family.js';
import {
  parseTruth,
  serializeAnswer,
  truthToAnswer,
  type AnswerJson,
} from '../world/interchange.js';
import { assertWellFormedXml, countClass } from '../world/test-utils/xml.js';
import { runCheck } from './commands/check.js';
import { runConcepts } from './commands/concepts.js';
import { runDemo } from './commands/demo.js';
import { runRender } from './commands/render.js';
import { runSample } from './commands/sample.js';
import { runCli } from './program.js';
import { capture } from '../test-utils/cli.js';

/** stderr holds exactly one line, the program's error. */
function expectOneErrorLine(err: string, includes: string): void {
  expect(err.endsWith('\n')).toBe(true);
  const lines = err.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0].startsWith('concept-ebm: error: ')).toBe(true);
  expect(lines[0]).toContain(includes);
  expect(err).not.toMatch(/\n\s+at /);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concept-ebm-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('concepts', () => {
  it('lists every family with its kind', async () => {
    const io = capture();
    expect(await runConcepts({}, io)).toBe(0);
    const lines = io.out.trimEnd().split('\n');
    expect(lines).toHaveLength(FAMILY_NAMES.length);
    for (const name of FAMILY_NAMES) expect(lines.some((l) => l.startsWith(`${name} `))).toBe(true);
    expect(io.out).toMatch(/make-red\s+generate\s+\S/);
    expect(io.out).toMatch(/^square\s+identify\s+\S/m);
  });

  it('prints JSON with --json', async () => {
    const io = capture();
    expect(await runConcepts({ json: true }, io)).toBe(0);
    const rows = JSON.parse(io.out);
    expect(rows.map((r: { name: string }) => r.name)).toEqual([...FAMILY_NAMES]);
    expect(rows[0]).toMatchObject({ kind: 'identify' });
    expect(typeof rows[0].description).toBe('string');
  });
});

describe('sample -> render -> check', () => {
  for (const concept of ['red', 'make-red', 'move-close']) {
    it(`round-trips an episode of ${concept}`, async () => {
      const file = join(dir, `${concept}.json`);
      const io = capture();
      expect(await runSample({ concept, demos: 3, queries: 4, seed: 11, out: file }, io)).toBe(0);
      const truthFile = join(dir, `${concept}.truth.json`);
      expect(io.out).toBe(`${file}\n${truthFile}\n`);
      expect(io.err).toBe('');
      const text = await readFile(file, 'utf8');
      expect(text).not.toContain(concept === 'red' ? '"red"' : concept);

      // deterministic in the seed
      const again = join(dir, `${concept}-again.json`);
      expect(
        await runSample({ concept, demos: 3, queries: 4, seed: 11, out: again }, capture()),
      ).toBe(0);
      expect(await readFile(again, 'utf8')).toBe(text);

      // the truth itself as the answer scores 1
      const truth = parseTruth(await readFile(truthFile, 'utf8'));
      expect(truth.family).toBe(concept);
      const perfectFile = join(dir, `${concept}.perfect.json`);
      await writeFile(perfectFile, serializeAnswer(truthToAnswer(truth, [0.5, -0.5])));
      const good = capture();
      expect(await runCheck({ episode: file, answer: perfectFile }, good)).toBe(0);
      expect(good.out).toContain('score 1.000 (4/4 ok)');
      const goodJson = capture();
      expect(await runCheck({ episode: file, answer: perfectFile, json: true }, goodJson)).toBe(0);
      expect(JSON.parse(goodJson.out)).toMatchObject({
        family: concept,
        score: 1,
        passed: 4,
        total: 4,
      });

      // so does the truth file itself given as the answer
      const direct = capture();
      expect(await runCheck({ episode: file, answer: truthFile }, direct)).toBe(0);
      expect(direct.out).toContain('score 1.000 (4/4 ok)');

      // a wrong answer scores below 1, and check still exits 0
      const wrong: AnswerJson = truthToAnswer(truth);
      const episode = JSON.parse(text);
      wrong.results = wrong.results.map((r, i) =>
        'attention' in r
          ? { attention: r.attention.map((a) => 1 - a) }
          : { after: episode.queries[i].before },
      );
      const wrongFile = join(dir, `${concept}.wrong.json`);
      await writeFile(wrongFile, serializeAnswer(wrong));
      const bad = capture();
      expect(await runCheck({ episode: file, answer: wrongFile, json: true }, bad)).toBe(0);
      expect(JSON.parse(bad.out).score).toBeLessThan(1);

      // render: one SVG per demo and query, plus the overview, with truth and answer
      const out = join(dir, `${concept}-svg`);
      const r = capture();
      expect(await runRender({ episode: file, out, answer: wrongFile }, r)).toBe(0);
      expect(r.out).toBe(`${out}\n`);
      const files = (await readdir(out)).sort();
      expect(files).toEqual([
        'demo-00.svg',
        'demo-01.svg',
        'demo-02.svg',
        'overview.svg',
        'query-00.svg',
        'query-01.svg',
        'query-02.svg',
        'query-03.svg',
      ]);
      for (const f of files) assertWellFormedXml(await readFile(join(out, f), 'utf8'));
      const q0 = await readFile(join(out, 'query-00.svg'), 'utf8');
      expect(countClass(q0, 'panel')).toBe(3); // query, truth, answer
      expect(q0).toContain('wrong');
      expect(countClass(await readFile(join(out, 'overview.svg'), 'utf8'), 'panel')).toBe(
        3 + 4 * 3,
      );
      expect(files.every((f) => !f.startsWith('.'))).toBe(true); // no temp files left
    });
  }

  it('renders without truth or answer', async () => {
    const file = join(dir, 'lonely.json');
    expect(await runSample({ concept: 'line', demos: 2, queries: 2, out: file }, capture())).toBe(
      0,
    );
    await rm(join(dir, 'lonely.truth.json'));
    const out = join(dir, 'lonely-svg');
    expect(await runRender({ episode: file, out }, capture())).toBe(0);
    const q = await readFile(join(out, 'query-00.svg'), 'utf8');
    expect(countClass(q, 'panel')).toBe(1);
    // check needs the truth
    const io = capture();
    expect(await runCheck({ episode: file, answer: file }, io)).toBe(1);
    expectOneErrorLine(io.err, 'truth file not found');
  });
});

describe('errors are one line with a non-zero exit', () => {
  it('unknown concept', async () => {
    const io = capture();
    expect(await runSample({ concept: 'make-redd', out: join(dir, 'x.json') }, io)).toBe(2);
    expectOneErrorLine(io.err, 'unknown concept "make-redd" (did you mean "make-red"?)');
    expect(io.out).toBe('');
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('too few entities', async () => {
    const io = capture();
    expect(await runSample({ concept: 'square', entities: 2, out: join(dir, 'x.json') }, io)).toBe(
      2,
    );
    expectOneErrorLine(io.err, 'needs at least');
  });

  it('missing file', async () => {
    const io = capture();
    expect(await runRender({ episode: join(dir, 'nope.json'), out: join(dir, 'o') }, io)).toBe(1);
    expectOneErrorLine(io.err, 'episode file not found');
    const io2 = capture();
    const ep = join(dir, 'present.json');
    await runSample({ concept: 'red', queries: 1, out: ep }, capture());
    expect(await runCheck({ episode: ep, answer: join(dir, 'nope.json') }, io2)).toBe(1);
    expectOneErrorLine(io2.err, 'answer file not found');
  });

  it('malformed JSON and invalid content', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"demos": [}');
    const io = capture();
    expect(await runRender({ episode: bad, out: join(dir, 'o') }, io)).toBe(1);
    expectOneErrorLine(io.err, `${bad}: malformed JSON:`);
    await writeFile(bad, JSON.stringify({ demos: [], queries: [] }));
    const io2 = capture();
    expect(await runRender({ episode: bad, out: join(dir, 'o') }, io2)).toBe(1);
    expectOneErrorLine(io2.err, `${bad}: demos: expected at least one demonstration, got []`);
  });

  it('answers that do not fit', async () => {
    const ep = join(dir, 'fit.json');
    await runSample({ concept: 'red', queries: 2, out: ep }, capture());
    const ans = join(dir, 'fit.answer.json');
    await writeFile(ans, JSON.stringify({ concept: [], results: [{ attention: [2] }] }));
    const io = capture();
    expect(await runCheck({ episode: ep, answer: ans }, io)).toBe(1);
    expectOneErrorLine(io.err, `${ans}: results: expected 2 results (one per query), got 1`);
  });

  it('outputs that cannot be written: one line naming the file, no folder created', async () => {
    const cases: [string, RegExp][] = [
      [dir, /--out .*: is a folder; give a file name/],
      [join(dir, 'no', 'such', 'x.json'), /--out .*: the folder .*no\/such does not exist/],
      ['/proc/version', /--out \/proc\/version: cannot write it \(/],
    ];
    for (const [out, message] of cases) {
      const io = capture();
      expect(await runSample({ concept: 'red', out }, io)).toBe(1);
      expect(io.err.trimEnd().split('\n')).toHaveLength(1);
      expect(io.err).toMatch(message);
      expect(io.err).not.toMatch(/ENOENT|EBUSY|EACCES|\.tmp/);
    }
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('reads an episode with a byte-order mark; refuses hex, exponents and empty lists', async () => {
    const file = join(dir, 'bom.json');
    expect(await runSample({ concept: 'red', demos: 2, queries: 1, out: file }, capture())).toBe(0);
    await writeFile(file, '\uFEFF' + (await readFile(file, 'utf8')));
    const io = capture();
    expect(await runRender({ episode: file, out: join(dir, 'bom-svg') }, io)).toBe(0);
    for (const argv of [
      ['sample', '--concept', 'red', '--demos', '0x10', '--out', join(dir, 'h.json')],
      ['sample', '--concept', 'red', '--demos', '1e1', '--out', join(dir, 'h.json')],
    ]) {
      const e = capture();
      expect(await runCli(argv, e)).toBe(2);
      expect(e.err).toMatch(/expected an integer/);
    }
    const wide = capture();
    expect(
      await runCli(
        ['sample', '--concept', 'red', '--entities', '33', '--out', join(dir, 'w.json')],
        wide,
      ),
    ).toBe(2);
    expect(wide.err).toMatch(/--entities 33: red draws at most 32 entities a scene/);
    const square = capture();
    expect(
      await runCli(
        ['sample', '--concept', 'square', '--entities', '17', '--out', join(dir, 'w.json')],
        square,
      ),
    ).toBe(2);
    expect(square.err).toMatch(/square draws at most 16/);
    const empty = capture();
    expect(await runCli(['eval', '--families', '', '--episodes', '1'], empty)).toBe(2);
    expect(empty.err).toMatch(/--families is empty/);
  });

  it('commander usage errors exit 2', async () => {
    const cases: [string[], string][] = [
      [['sample', '--concept', 'red', '--out', 'x.json', '--bogus'], "unknown option '--bogus'"],
      [
        ['sample', '--concept', 'red', '--out', 'x.json', '--demos', 'many'],
        "option '--demos <n>' argument 'many' is invalid",
      ],
      [['sample', '--concept', 'red'], "required option '--out <file>' not specified"],
      [['render', '--out', 'd'], "missing required argument 'file'"],
      [['draw'], "unknown command 'draw'"],
      [[], 'missing command'],
      [['sample', '--concept', 'nope', '--out', join(dir, 'y.json')], 'unknown concept "nope"'],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expectOneErrorLine(io.err, message);
    }
  });

  it('help and version exit 0', async () => {
    for (const argv of [
      ['--help'],
      ['sample', '--help'],
      ['render', '--help'],
      ['check', '--help'],
      ['demo', '--help'],
      ['concepts', '--help'],
      ['help', 'sample'],
    ]) {
      const io = capture();
      expect(await runCli(argv, io), argv.join(' ')).toBe(0);
      expect(io.out).toContain('Usage: concept-ebm');
    }
    const io = capture();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.out).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('runs commands through the parser', async () => {
    const file = join(dir, 'parsed.json');
    const io = capture();
    expect(
      await runCli(
        [
          'sample',
          '--concept',
          'near',
          '--demos',
          '2',
          '--queries',
          '1',
          '--seed',
          '-3',
          '--out',
          file,
        ],
        io,
      ),
    ).toBe(0);
    expect(io.out).toContain(file);
    const ep = JSON.parse(await readFile(file, 'utf8'));
    expect(ep.demos).toHaveLength(2);
    expect(ep.queries).toHaveLength(1);
  });
});

describe('demo', () => {
  it('samples and draws an episode of every family', async () => {
    const out = join(dir, 'demo');
    const io = capture();
    expect(await runDemo({ out, seed: 1, demos: 2, queries: 1, noModel: true }, io)).toBe(0);
    expect(io.out).toBe(`${join(out, 'index.html')}\n`);
    const html = await readFile(join(out, 'index.html'), 'utf8');
    for (const name of FAMILY_NAMES) {
      expect(html).toContain(`${name}/overview.svg`);
      assertWellFormedXml(await readFile(join(out, name, 'overview.svg'), 'utf8'));
      expect(existsSync(join(out, name, 'episode.truth.json'))).toBe(true);
    }
  });
});

describe('the built command line', () => {
  const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
  const run = (...args: string[]) =>
    spawnSync(tsx, ['src/cli/main.ts', ...args], {
      encoding: 'utf8',
      cwd: process.cwd(),
      timeout: 60_000,
    });

  it('prints help and exits 0', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: concept-ebm');
    for (const cmd of ['concepts', 'sample', 'render', 'check', 'demo'])
      expect(r.stdout).toContain(cmd);
  });

  it('exits non-zero with one line on errors', () => {
    const r = run('sample', '--concept', 'nope', '--out', join(dir, 'z.json'));
    expect(r.status).toBe(2);
    expectOneErrorLine(r.stderr, 'unknown concept "nope"');
    const m = run('render', join(dir, 'missing.json'), '--out', join(dir, 'z'));
    expect(m.status).toBe(1);
    expectOneErrorLine(m.stderr, 'episode file not found');
  });
});
