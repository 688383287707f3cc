import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRequestPath, runServe, startStaticServer } from './commands/serve.js';
import { runCli } from './program.js';
import { capture } from '../test-utils/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concept-ebm-serve-'));
  await mkdir(join(dir, 'site', 'wasm'), { recursive: true });
  await writeFile(join(dir, 'site', 'index.html'), '<!doctype html><title>x</title>');
  await writeFile(join(dir, 'site', 'wasm', 'a.wasm'), new Uint8Array([0, 97, 115, 109]));
  await writeFile(join(dir, 'secret.txt'), 'no');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('serve', () => {
  it('serves files with their types on 127.0.0.1, index.html for folders, nothing outside', async () => {
    const server = await startStaticServer(join(dir, 'site'), { port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const index = await fetch(server.url);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toContain('text/html');
      expect(await index.text()).toContain('<title>x</title>');
      const wasm = await fetch(`${server.url}wasm/a.wasm`);
      expect(wasm.headers.get('content-type')).toBe('application/wasm');
      expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]));
      expect((await fetch(`${server.url}missing.js`)).status).toBe(404);
      expect((await fetch(`${server.url}%2e%2e/secret.txt`)).status).not.toBe(200);
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
    expect(resolveRequestPath('/srv/site', '/wasm/a.wasm?v=1')).toBe('/srv/site/wasm/a.wasm');
    expect(resolveRequestPath('/srv/site', '/../secret.txt')).toBeNull();
    expect(resolveRequestPath('/srv/site', '/%2e%2e/secret.txt')).toBeNull();
    expect(resolveRequestPath('/srv/site', '/a%00b')).toBeNull();
  });

  it('refuses links that lead out of the folder, and follows those that stay in it', async () => {
    const root = join(dir, 'linked');
    await mkdir(join(root, 'inner'), { recursive: true });
    await writeFile(join(root, 'inner', 'ok.txt'), 'yes');
    await symlink(join(dir, 'secret.txt'), join(root, 'out.txt'));
    await symlink(dir, join(root, 'up'));
    await symlink(join(root, 'inner', 'ok.txt'), join(root, 'in.txt'));
    // the served folder may itself be a link
    await symlink(root, join(dir, 'root-link'));
    const server = await startStaticServer(join(dir, 'root-link'), { port: 0 });
    try {
      expect((await fetch(`${server.url}out.txt`)).status).toBe(403);
      expect((await fetch(`${server.url}up/secret.txt`)).status).toBe(403);
      const inside = await fetch(`${server.url}in.txt`);
      expect(inside.status).toBe(200);
      expect(await inside.text()).toBe('yes');
      expect((await fetch(`${server.url}inner/ok.txt`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('runServe prints the address and stops when asked', async () => {
    const io = capture();
    let stop!: () => void;
    const stopped = new Promise<void>((ok) => (stop = ok));
    const run = runServe({ dir: join(dir, 'site'), port: 0 }, io, stopped);
    for (let i = 0; i < 100 && !io.out; i++) await new Promise((r) => setTimeout(r, 10));
    const url = /(http:\/\/\S+)/.exec(io.out)?.[1];
    expect(url).toBeDefined();
    expect((await fetch(url!)).status).toBe(200);
    stop();
    expect(await run).toBe(0);
    expect(io.err).toBe('');
  });

  it('a folder without index.html, a busy port and a bad port are one-line errors', async () => {
    const io = capture();
    expect(await runCli(['serve', '--dir', join(dir, 'nope'), '--port', '0'], io)).toBe(1);
    expect(io.err.trimEnd().split('\n')).toHaveLength(1);
    expect(io.err).toContain('folder not found');

    const io2 = capture();
    expect(await runCli(['serve', '--dir', dir, '--port', '0'], io2)).toBe(1);
    expect(io2.err).toContain('no index.html');

    const busy = await startStaticServer(join(dir, 'site'), { port: 0 });
    try {
      const io3 = capture();
      expect(
        await runCli(['serve', '--dir', join(dir, 'site'), '--port', String(busy.port)], io3),
      ).toBe(1);
      expect(io3.err).toMatch(/^concept-ebm: error: port \d+ is already in use/);
    } finally {
      await busy.close();
    }

    const io4 = capture();
    expect(await runCli(['serve', '--port', '99999', '--dir', join(dir, 'site')], io4)).toBe(2);
    expect(io4.err.trimEnd().split('\n')).toHaveLength(1);
  });
});
