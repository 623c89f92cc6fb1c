// Starting the servers under test: free loopback ports, child processes whose output is
// kept (the server's log is evidence in docs/interop.md), and readiness by polling.
import { execFileSync, spawn as nodeSpawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @returns {Promise<number>} a port free on 127.0.0.1 right now */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {number} port */
function tcpOpen(port) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/**
 * Starts a server process and waits until it is ready.
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('./types.mjs').SpawnOptions} [opts]
 * @returns {Promise<import('./types.mjs').Proc>}
 */
export async function spawn(cmd, args, opts = {}) {
  const child = nodeSpawn(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...(opts.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let exited = /** @type {string | null} */ (null);
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  child.on('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  const proc = {
    logs: () => out,
    stop: async () => {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`${cmd} ${exited} before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`${cmd} was not ready in 30 s:\n${out}`);
    }
    if (opts.readyUrl) {
      const ok = await fetch(opts.readyUrl).then(
        () => true,
        () => false,
      );
      if (ok) break;
    } else if (opts.readyPort) {
      if (await tcpOpen(opts.readyPort)) break;
    } else break;
    await sleep(100);
  }
  return proc;
}

/**
 * A fresh run folder under the system temp dir, for configs and logs of one server.
 * @param {string} name
 */
export function runDir(name) {
  return mkdtempSync(join(tmpdir(), `authlens-interop-${name}-`));
}

/**
 * Writes `template` with every `@KEY@` replaced by vars.KEY.
 * @param {string} template path of the template
 * @param {string} dest
 * @param {Record<string, string | number>} vars
 */
export function renderTemplate(template, dest, vars) {
  let text = readFileSync(template, 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`@${k}@`, String(v));
  writeFileSync(dest, text);
  return dest;
}

/**
 * The tail of a log file, or '' when it does not exist (yet).
 * @param {string} path
 */
export function readLog(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Installed versions of Python distributions in the interop venv, as "name version".
 * @param {string} python
 * @param {string[]} dists
 */
export function pythonVersions(python, dists) {
  const code = `import importlib.metadata as m, sys\nprint(", ".join(f"{d} {m.version(d)}" for d in sys.argv[1:]))`;
  return execFileSync(python, ['-c', code, ...dists], { encoding: 'utf8' }).trim();
}

/**
 * Starts a stack's `app.py` with the interop venv's Python on a free loopback port
 * (`app.py PORT ...args`) and waits until it answers `/`: the shape every Python stack
 * shares. `dists` name the distributions whose versions the server is reported with.
 * @param {import('./types.mjs').Context} ctx
 * @param {string[]} dists
 * @param {string[]} [args] more arguments after the port
 * @returns {Promise<import('./types.mjs').Server>}
 */
export async function startPythonApp(ctx, dists, args = []) {
  const port = await ctx.freePort();
  const proc = await ctx.spawn(ctx.python, [join(ctx.dir, 'app.py'), String(port), ...args], {
    cwd: ctx.dir,
    readyUrl: `http://127.0.0.1:${port}/`,
  });
  return {
    version: pythonVersions(ctx.python, dists),
    origin: `http://127.0.0.1:${port}`,
    stop: proc.stop,
    logs: proc.logs,
  };
}
