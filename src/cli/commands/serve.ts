/**
 * `concept-ebm serve [--port P] [--dir web/dist] [--host 127.0.0.1]`: serve the
 * built playground (or any folder of static files) over http on the loopback
 * address. A tiny node:http static server: GET and HEAD only, no directory
 * listings, nothing outside the folder, `index.html` for a folder, the right
 * content type for .wasm (browsers compile it while it downloads only then).
 * Runs until Ctrl-C (exit 130, the CLI's "interrupted").
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, guarded, integerArg, UsageError, type CliIo } from '../io.js';

export const EXIT_INTERRUPTED = 130;

/** The playground built inside this package (web/dist beside dist/ and src/). */
export function defaultWebDir(): string {
  return fileURLToPath(new URL('../../../web/dist', import.meta.url));
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  /** e.g. http://127.0.0.1:5173/ */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface StaticServerOptions {
  /** 0 picks a free port (default 0). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-cache',
  });
  res.end(`${text}\n`);
}

function insideRoot(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

const realRoots = new Map<string, string>();
/** The root with its own links resolved (once): a served folder may itself be a link. */
async function realRoot(root: string): Promise<string> {
  let real = realRoots.get(root);
  if (real === undefined) {
    real = await realpath(root).catch(() => root);
    realRoots.set(root, real);
  }
  return real;
}

/** The file a request path names inside `root`, or null when it would leave it (by name; links are checked when served). */
export function resolveRequestPath(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = resolve(root, `.${path.startsWith('/') ? path : `/${path}`}`);
  const rel = relative(root, file);
  if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
  return file;
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed');
  }
  let file = resolveRequestPath(root, req.url ?? '/');
  if (!file) return send(res, 403, 'forbidden');
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info || !info.isFile()) return send(res, 404, 'not found');
  // The path is inside the root by name; a symbolic link on the way may still lead out of it.
  const real = await realpath(file).catch(() => null);
  if (!real || !insideRoot(await realRoot(root), real)) return send(res, 403, 'forbidden');
  file = real;
  res.writeHead(200, {
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': 'no-cache',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/** Serve `dir` on host:port; resolves once listening. */
export async function startStaticServer(
  dir: string,
  options: StaticServerOptions = {},
): Promise<StaticServer> {
  const root = resolve(dir);
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    handle(root, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

export interface ServeArgs {
  port?: number;
  dir?: string;
  host?: string;
}

/**
 * Serve until interrupted. `stop` (tests) replaces waiting for SIGINT/SIGTERM:
 * the server closes when it resolves.
 */
export async function runServe(args: ServeArgs, io: CliIo, stop?: Promise<void>): Promise<number> {
  return guarded(io, async () => {
    const port = args.port === undefined ? 8080 : integerArg('--port', args.port, 0);
    if (port > 65535)
      throw new UsageError(`option '--port' expects a port number 0..65535, got ${port}`);
    const dir = args.dir ? resolve(args.dir) : defaultWebDir();
    const index = await stat(join(dir, 'index.html')).catch(() => null);
    if (!index?.isFile()) {
      const dirInfo = await stat(dir).catch(() => null);
      throw new CliError(
        dirInfo?.isDirectory()
          ? `${dir} has no index.html: not a built playground (run "npm run build:web")`
          : `folder not found: ${dir} (build the playground with "npm run build:web", or give --dir)`,
      );
    }
    let server: StaticServer;
    try {
      server = await startStaticServer(dir, { port, host: args.host });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new CliError(`port ${port} is already in use (try --port 0 for a free one)`);
      if (code === 'EACCES') throw new CliError(`not allowed to listen on port ${port}`);
      throw new CliError(
        `cannot listen on ${args.host ?? '127.0.0.1'}:${port}: ${(err as Error).message}`,
      );
    }
    io.stdout(`serving ${dir} at ${server.url} (Ctrl-C stops)\n`);
    let interrupted = false;
    await (stop ??
      new Promise<void>((ok) => {
        const onSignal = () => {
          interrupted = true;
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          ok();
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      }));
    await server.close();
    return interrupted ? EXIT_INTERRUPTED : 0;
  });
}
