// @ts-check
// Small helpers shared by the Node.js stacks (express-jwt, express-session, cors,
// oidc-provider): listening on a free loopback port, the installed version of a package,
// a log the runner can read, and fetch() from the page as the page's own script would.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The version of an installed npm package, read from its package.json in the nearest
 * node_modules above this file (works for ESM-only packages too).
 * @param {string} name
 */
export function pkgVersion(name) {
  for (let dir = here; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return /** @type {{version: string}} */ (JSON.parse(readFileSync(file, 'utf8'))).version;
    if (dirname(dir) === dir) throw new Error(`${name} is not installed: run npm ci`);
  }
}

/**
 * Listens on 127.0.0.1 on a free port. `stop()` closes the server and every kept-alive
 * connection, so the suite does not wait for idle browser sockets.
 * @param {import('node:http').RequestListener} handler
 * @param {string} [host] the host name for the origin (the socket is always 127.0.0.1)
 */
export async function listen(handler, host = '127.0.0.1') {
  const { createServer } = await import('node:http');
  const server = createServer(handler);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    server,
    port: address.port,
    origin: `http://${host}:${address.port}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      }),
  };
}

/** A log of lines, as a server would print them. */
export function serverLog() {
  /** @type {string[]} */
  const lines = [];
  return {
    /** @param {string} line */
    log(line) {
      lines.push(`${new Date().toISOString()} ${line}`);
    },
    text: () => lines.join('\n'),
  };
}

/**
 * Makes sure the page is on an HTML page of `origin` (the page's own scripts run there).
 * @param {import('puppeteer-core').Page} page
 * @param {string} origin
 * @param {string} [path]
 */
export async function ensureOn(page, origin, path = '/') {
  const url = new URL(page.url() === 'about:blank' ? 'about:blank' : page.url());
  if (url.origin !== origin || url.pathname !== path) await page.goto(origin + path);
}

/**
 * @typedef {object} PageFetch
 * @property {string} url
 * @property {string} [method]
 * @property {Record<string, string>} [headers]
 * @property {string} [body]
 * @property {'omit' | 'same-origin' | 'include'} [credentials]
 */

/**
 * fetch() from the page, as the page's own script would; resolves to the status and the
 * body text, or to status "error" when fetch() rejected (a CORS failure).
 * @param {import('puppeteer-core').Page} page
 * @param {PageFetch} request
 * @returns {Promise<{status: number | 'error', body: string}>}
 */
export function pageFetch(page, request) {
  return page.evaluate(async (/** @type {PageFetch} */ r) => {
    try {
      const init = /** @type {RequestInit} */ ({ method: r.method ?? 'GET', headers: r.headers ?? {}, credentials: r.credentials ?? 'same-origin' });
      if (r.body !== undefined) init.body = r.body;
      const response = await fetch(r.url, init);
      return { status: response.status, body: await response.text() };
    } catch (e) {
      return { status: /** @type {'error'} */ ('error'), body: String(e) };
    }
  }, request);
}

/**
 * @param {number} ms
 */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
