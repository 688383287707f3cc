/**
 * The playground in a real browser: Debian's chromium, headless, driven by
 * playwright-core, against the built page (web/dist, built here when missing
 * or older than its sources) served by `concept-ebm serve`'s static server.
 *
 * With the shipped model (models/default) the page loads it; without one the
 * test serves a copy of the page with an untrained model in models/default, so
 * the loading path is the same. An untrained model's answers are not right:
 * the test checks the page's contract (what it highlights is what it reports,
 * and that is {i : sigmoid(a_i) > 0.5}; the checker's verdict is shown; a
 * copied link reproduces the state and the chains' results), and it saves a
 * screenshot (to docs/playground.png when UPDATE_SCREENSHOT=1, else to the
 * system temp folder, so that `npm test` leaves the work tree clean).
 *
 * Skips (with a message) when /usr/bin/chromium is absent.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../../src/cli/commands/serve.js';
import { DEFAULT_MODEL_CONFIG } from '../../src/model/config.js';
import { initParams } from '../../src/model/params.js';
import { encodeModel } from '../../src/model/serialize.js';
import { DEFAULT_INFERENCE } from '../../src/inference/settings.js';
import { Rng } from '../../src/random/rng.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'web', 'dist');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `playground browser test skipped: ${CHROMIUM} is absent (install it with: apt-get install -y chromium)`,
  );
}

/** Newest modification time of the files under `path` (a file or a folder). */
function newest(path: string): number {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist') continue;
    t = Math.max(t, newest(join(path, name)));
  }
  return t;
}

function ensureBuilt(): void {
  const built = statSync(join(DIST, 'index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = Math.max(
    newest(join(ROOT, 'web', 'src')),
    newest(join(ROOT, 'web', 'index.html')),
    newest(join(ROOT, 'web', 'vite.config.ts')),
    newest(join(ROOT, 'src')),
  );
  if (built > sources) return;
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(
    process.execPath,
    [vite, 'build', '--config', join(ROOT, 'web', 'vite.config.ts'), '--logLevel', 'warn'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`vite build failed: ${r.stderr || r.stdout}`);
}

/** A copy of the built page; with an untrained model when it ships none. */
function servedCopy(): { dir: string; untrained: boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'concept-ebm-playground-'));
  cpSync(DIST, dir, { recursive: true });
  const modelDir = join(dir, 'models', 'default');
  if (existsSync(join(modelDir, 'model.json'))) return { dir, untrained: false };
  mkdirSync(modelDir, { recursive: true });
  const config = DEFAULT_MODEL_CONFIG;
  const { manifest, bytes } = encodeModel({
    config,
    values: initParams(config, new Rng(7)),
    inference: DEFAULT_INFERENCE,
    meta: { note: 'untrained, written by the browser test' },
  });
  writeFileSync(join(modelDir, manifest.weights.file), bytes);
  writeFileSync(join(modelDir, 'model.json'), JSON.stringify(manifest, null, 2));
  return { dir, untrained: true };
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Containers often have a small /dev/shm; chromium then crashes without this.
  '--disable-dev-shm-usage',
];

describe.skipIf(!hasChromium)('the playground in headless chromium', () => {
  let served: { dir: string; untrained: boolean };
  let profile: string;
  let server: StaticServer;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  const phase = (p: Page, want: string) =>
    p.waitForFunction((w) => document.getElementById('scene')?.dataset.phase === w, want, {
      timeout: 20_000,
    });

  async function open(url: string): Promise<Page> {
    const p = await context.newPage();
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(url);
    await p.waitForFunction(
      () => document.getElementById('model-status')?.dataset.ready !== '0',
      null,
      {
        timeout: 30_000,
      },
    );
    expect(await p.getAttribute('#model-status', 'data-ready')).toBe('1');
    return p;
  }

  beforeAll(async () => {
    ensureBuilt();
    served = servedCopy();
    server = await startStaticServer(served.dir, { port: 0 });
    profile = mkdtempSync(join(tmpdir(), 'concept-ebm-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1200, height: 1400 },
    });
    page = await open(`${server.url}#f=square&s=3&sp=0`);
  }, 110_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (served) rmSync(served.dir, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('identification: the highlighted set is the reported answer, {i : sigmoid(a_i) > 0.5}', async () => {
    await page.click('#identify');
    await phase(page, 'identify-done');
    const answer = page.locator('#answer');
    const mask = (await answer.getAttribute('data-mask'))!.split(',').map(Number);
    const probabilities = (await answer.getAttribute('data-probabilities'))!.split(',').map(Number);
    expect(mask).toHaveLength(6);
    expect(probabilities).toHaveLength(6);
    // The answer is the checker-relevant mask of the final attention.
    expect(mask).toEqual(probabilities.map((p) => (p > 0.5 ? 1 : 0)));
    // What the scene highlights is exactly that set, and the page says so in words.
    const highlighted = await page.$$eval('#scene .answer-mark', (els) =>
      els.map((e) => Number(e.getAttribute('data-index'))),
    );
    const set = mask.flatMap((v, i) => (v ? [i] : []));
    expect(highlighted.sort((a, b) => a - b)).toEqual(set);
    expect(await answer.textContent()).toContain(`model's answer: {${set.join(', ')}}`);
    // With several a-chains (the shipped model has 16), the page keeps the lowest-energy answer, as eval does, and says which.
    const servedModel = JSON.parse(
      readFileSync(join(served.dir, 'models', 'default', 'model.json'), 'utf8'),
    );
    const restarts = (servedModel.inference?.a?.restarts ?? 1) as number;
    // With a.enumerate covering the scene, the answer is the lowest-energy of all 2^6 sets instead.
    const enumerated = ((servedModel.inference?.a?.enumerate ?? 0) as number) >= 6;
    if (enumerated) {
      expect(await answer.textContent()).toContain(
        "chosen among all 64 sets by their energy (the model's a.enumerate)",
      );
      expect(await answer.textContent()).not.toContain('a-chains');
    } else if (restarts > 1)
      expect(await answer.textContent()).toMatch(
        new RegExp(`the lowest-energy answer of ${restarts} a-chains: chain \\d+`),
      );
    else expect(await answer.textContent()).not.toContain('a-chains');
    if (!served.untrained) expect([restarts, enumerated]).toEqual([16, true]);
    // The square checker judged it, and the verdict is on the page.
    expect(['0', '1']).toContain(await page.getAttribute('#verdict', 'data-ok'));
    expect(await page.textContent('#verdict')).toMatch(/^checker \(square\): (ok|wrong)/);
    // The a-chain drew its energy per step.
    expect(await page.getAttribute('#scene', 'data-step')).toBe(
      await page.getAttribute('#scene', 'data-steps'),
    );
  });

  let finalScene = '';
  let link = '';

  it('generation: the final scene and the checker verdict are shown', async () => {
    await page.selectOption('#family', 'move-between');
    await page.fill('#knob-x-steps', '20');
    await page.dispatchEvent('#knob-x-steps', 'change');
    await page.click('#generate');
    await phase(page, 'generate-done');
    // The knob's 20 steps, then the shipped model's refit steps on what moved (x.refit).
    const servedModel = JSON.parse(
      readFileSync(join(served.dir, 'models', 'default', 'model.json'), 'utf8'),
    );
    const refit = (servedModel.inference?.x?.refit ?? 0) as number;
    expect(await page.getAttribute('#scene', 'data-steps')).toBe(String(20 + refit));
    expect(await page.getAttribute('#scene', 'data-step')).toBe(String(20 + refit));
    expect(await page.textContent('#scene')).toContain('query: generate (move-between)');
    expect(await page.locator('#scene circle.entity').count()).toBeGreaterThanOrEqual(3);
    expect(['0', '1']).toContain(await page.getAttribute('#verdict', 'data-ok'));
    expect(await page.textContent('#verdict')).toMatch(/^checker \(move-between\): (ok|wrong)/);
    // The landscape finishes in the background.
    await page.waitForFunction(
      () => document.getElementById('landscape')?.dataset.rows === '24',
      null,
      { timeout: 20_000 },
    );
    finalScene = await page.innerHTML('#scene');

    // Every step is timed. The median itself can be 0: headless chromium coarsens performance.now()
    // (to 0.1 ms without cross-origin isolation), and an idle machine runs a step of N = 6 in less.
    const ms = Number(await page.getAttribute('#timing', 'data-ms-x'));
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(await page.textContent('#timing')).toMatch(
      new RegExp(
        `x-chain \\(N = 6\\): median [\\d.]+ ms, mean [\\d.]+ ms over ${20 + refit} steps`,
      ),
    );
    console.log(
      `playground: one Langevin step of the x-chain (N = 6) takes ${ms.toFixed(2)} ms in headless chromium (median of ${20 + refit})` +
        (served.untrained ? ' [untrained model]' : ''),
    );

    await page.click('#reach');
    await page.waitForFunction(
      () =>
        /checker \(move-between\)/.test(document.getElementById('arm-verdict')?.textContent ?? ''),
      null,
      {
        timeout: 20_000,
      },
    );
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    const shot =
      process.env.UPDATE_SCREENSHOT === '1'
        ? join(ROOT, 'docs', 'playground.png')
        : join(tmpdir(), 'concept-ebm-playground.png');
    await page.screenshot({ path: shot, fullPage: true });
    await page.click('#copy-link');
    link = await page.inputValue('#link');
    expect(link).toContain('#f=move-between');
  });

  it('a copied link reproduces the state, and the same chain gives the same scene', async () => {
    const state = await page.textContent('#state-json');
    const demos = await page.innerHTML('#demos-strip');
    const again = await open(link);
    expect(await again.textContent('#state-json')).toBe(state);
    expect(await again.inputValue('#family')).toBe('move-between');
    expect(await again.inputValue('#knob-x-steps')).toBe('20');
    expect(await again.innerHTML('#demos-strip')).toBe(demos);
    await again.click('#generate');
    await phase(again, 'generate-done');
    expect(await again.innerHTML('#scene')).toBe(finalScene);
    expect(errors).toEqual([]);
  });
});
