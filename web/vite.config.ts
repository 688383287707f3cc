/**
 * The playground's build: web/ is the Vite root, the library comes straight
 * from ../src. A small plugin serves (dev) and copies (build) what the page
 * fetches at run time:
 *
 *   wasm/            the .wasm files of @tensorflow/tfjs-backend-wasm
 *   models/default/  the model: $PLAYGROUND_MODEL if set (any model folder,
 *                    e.g. runs/NAME/best), else the package's models/default
 *                    when it exists; without one the page says so.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const webDir = dirname(fileURLToPath(import.meta.url));
const rootDir = resolve(webDir, '..');

function wasmDir(): string {
  const require = createRequire(join(rootDir, 'package.json'));
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

function modelDir(): string | null {
  const fromEnv = process.env.PLAYGROUND_MODEL;
  if (fromEnv) {
    const dir = resolve(process.cwd(), fromEnv);
    if (!existsSync(join(dir, 'model.json'))) throw new Error(`PLAYGROUND_MODEL=${fromEnv}: no model.json in ${dir}`);
    return dir;
  }
  const shipped = join(rootDir, 'models', 'default');
  return existsSync(join(shipped, 'model.json')) ? shipped : null;
}

/** Files served at a URL prefix: name -> absolute path. */
function assets(): Map<string, string> {
  const out = new Map<string, string>();
  const wasm = wasmDir();
  for (const f of readdirSync(wasm)) if (f.endsWith('.wasm')) out.set(`wasm/${f}`, join(wasm, f));
  const model = modelDir();
  if (model) {
    const manifest = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8')) as { weights?: { file?: string } };
    out.set('models/default/model.json', join(model, 'model.json'));
    const weights = manifest.weights?.file;
    if (weights && existsSync(join(model, weights))) out.set(`models/default/${weights}`, join(model, weights));
  }
  return out;
}

function runtimeAssets(): Plugin {
  return {
    name: 'concept-ebm-runtime-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]).replace(/^\/+/, '');
        const file = assets().get(path);
        if (!file || !statSync(file, { throwIfNoEntry: false })?.isFile()) return next();
        const type = file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
        res.setHeader('content-type', type);
        res.setHeader('cache-control', 'no-cache');
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      for (const [fileName, file] of assets()) {
        this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
      }
    },
  };
}

export default defineConfig({
  root: webDir,
  base: './',
  plugins: [runtimeAssets()],
  // tfjs-core's own ES modules for the gradients Node takes from a bundled copy (see web/tfjs-gradients.ts).
  resolve: {
    alias: [{ find: /^\.\/tfjs-gradients\.js$/, replacement: join(webDir, 'tfjs-gradients.ts') }],
  },
  server: { fs: { allow: [rootDir] }, host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: {
    outDir: join(webDir, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: false,
  },
});
