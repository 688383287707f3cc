/**
 * Worker threads for modules that may be running from TypeScript source
 * (tsx, vitest) or from the built JavaScript, and one request/response
 * exchange with such a worker.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Start a worker on `entry`; a .ts entry gets the tsx loader registered in the worker first. */
export function spawnWorker(entry: URL): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry);
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } | string }>;
  };
  const target = pkg.exports['./esm/api'].import;
  const api = new URL(typeof target === 'string' ? target : target.default, pathToFileURL(pkgPath))
    .href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true });
}

/** Post `message` and wait for the worker's next reply; a reply {kind: 'error', message} rejects. */
export function request<T>(worker: Worker, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { kind: string; message?: string }) => {
      cleanup();
      if (m.kind === 'error') reject(new Error(m.message));
      else resolve(m as T);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage(message);
  });
}
