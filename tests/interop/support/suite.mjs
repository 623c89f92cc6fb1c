// The interop suite's engine, shared by interop.test.mjs (check), record.mjs (rewrite the
// fixtures) and report.mjs (docs/interop.md): load the stacks, start each once, drive one
// Chromium through every scenario, record each scenario's HAR, diagnose it with the real
// CLI, and judge the result against the scenario's expectations.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request as httpRequest } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import puppeteer from 'puppeteer-core';

import { freePort, sleep, spawn } from './proc.mjs';
import { answerPrompts } from './recorder.mjs';
import { startTap, toHar } from './tap.mjs';

/** @typedef {import('./types.mjs').Stack} Stack */
/** @typedef {import('./types.mjs').Scenario} Scenario */
/** @typedef {import('./types.mjs').Expectation} Expectation */
/** @typedef {import('./types.mjs').Server} Server */
/** @typedef {import('./types.mjs').Context} Context */
/** @typedef {Awaited<ReturnType<typeof startTap>>} Tap */

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const stacksDir = join(root, 'tests', 'interop', 'stacks');
export const fixturesDir = join(root, 'tests', 'fixtures', 'har', 'interop');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/lib/chromium/chromium';
const CLI = join(root, 'target', 'debug', 'authlens');
export const PYTHON = process.env.INTEROP_PYTHON ?? join(root, 'target', 'interop-venv', 'bin', 'python');

/**
 * Every stack, in folder order; `only` (stack ids) narrows them.
 * @param {string[]} [only]
 * @returns {Promise<Stack[]>}
 */
export async function loadStacks(only = []) {
  const ids = readdirSync(stacksDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(stacksDir, d.name, 'stack.mjs')))
    .map((d) => d.name)
    .sort();
  /** @type {Stack[]} */
  const stacks = [];
  for (const id of ids) {
    if (only.length && !only.includes(id)) continue;
    const mod = await import(pathToFileURL(join(stacksDir, id, 'stack.mjs')).href);
    const stack = /** @type {Stack} */ (mod.default);
    if (stack.id !== id) throw new Error(`stacks/${id}/stack.mjs says its id is ${stack.id}`);
    stacks.push(stack);
  }
  return stacks;
}

/** @param {string[]} extraArgs */
export async function launchBrowser(extraArgs = []) {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      // This machine's network is closed; background traffic only makes noise.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/** @type {WeakMap<import('puppeteer-core').Page, (a: import('./types.mjs').AuthAnswer[]) => void>} */
const authOf = new WeakMap();

/**
 * @param {string} dir
 * @param {Tap} [tap]
 * @returns {Context}
 */
export function context(dir, tap) {
  return {
    root,
    python: PYTHON,
    dir,
    freePort,
    spawn,
    sleep,
    answerAuth(page, username, password) {
      authOf.get(page)?.([{ username, password }]);
    },
    cancelAuth(page) {
      authOf.get(page)?.([]);
    },
    useProxy(proxy) {
      if (!tap) throw new Error('useProxy: no tap in this context');
      tap.setUpstream(proxy);
    },
    nodeFetch(url, init = {}) {
      if (!tap) return Promise.reject(new Error('nodeFetch: no tap in this context'));
      // A forward proxy takes the absolute URI as the request target (RFC 9112 §3.2.2).
      // Host is the origin's (RFC 9112 §3.2): Node would name the tap, and a server that
      // builds URLs from Host (oidc-provider's discovery) would point the client at it.
      const headers = { ...Object.fromEntries(new Headers(init.headers ?? {}).entries()), host: new URL(url).host };
      const body = init.body === undefined || init.body === null ? undefined : String(init.body);
      return new Promise((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: tap.port, method: init.method ?? 'GET', path: String(url), headers }, (res) => {
          /** @type {Buffer[]} */
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const out = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              for (const v of [value ?? []].flat()) out.append(name, v);
            }
            const status = res.statusCode ?? 0;
            resolve(new Response([204, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers: out }));
          });
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    async fetchFromPage(page, url, init) {
      return page.evaluate(
        async (u, i) => {
          const r = await fetch(u, /** @type {RequestInit} */ (i));
          /** @type {Record<string, string>} */
          const headers = {};
          r.headers.forEach((v, k) => (headers[k] = v));
          return { status: r.status, headers, body: await r.text() };
        },
        url,
        /** @type {any} */ (init ?? {}),
      );
    },
  };
}

/**
 * Runs one scenario in a fresh browser context (no cookies, no cached credentials from
 * another scenario) and returns its HAR, as the tap saw it.
 * @param {import('puppeteer-core').Browser} browser
 * @param {Tap} tap
 * @param {Scenario} scenario
 * @param {Server} server
 * @param {Context} ctx
 */
export async function recordScenario(browser, tap, scenario, server, ctx) {
  const bc = await browser.createBrowserContext();
  try {
    const page = await bc.newPage();
    const prompts = await answerPrompts(page);
    authOf.set(page, prompts.setAuthAnswers);
    tap.take();
    await scenario.run(page, server, ctx);
    // Settle: a request may start right after the scenario's last await (none are timed).
    await sleep(100);
    for (let i = 0; i < 200 && tap.inflight() > 0; i++) await sleep(50);
    await prompts.detach();
    // The browser's own favicon probe is not part of any scenario.
    return toHar(tap.take(), (leg) => !leg.url.endsWith('/favicon.ico'));
  } finally {
    await bc.close();
  }
}

/**
 * The real CLI's diagnosis: findings (codes, best first) per HAR entry index.
 * @param {any} har
 * @returns {{ codes: string[][], report: any }}
 */
export function diagnose(har) {
  const dir = join(tmpdir(), 'authlens-interop');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${process.pid}-${Math.random().toString(36).slice(2)}.har`);
  writeFileSync(file, JSON.stringify(har));
  const out = execFileSync(CLI, ['diagnose', '--json', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const report = JSON.parse(out);
  /** @type {string[][]} */
  const codes = har.log.entries.map(() => []);
  for (const e of report.entries) codes[e.index] = e.findings.map((/** @type {any} */ f) => f.code);
  return { codes, report };
}

/**
 * The entry an expectation is about.
 * @param {any} har
 * @param {Expectation} exp
 * @returns {number} its index, or -1
 */
export function findEntry(har, exp) {
  const method = exp.method ?? 'GET';
  /** @type {{ e: any, i: number }[]} */
  const all = har.log.entries.map((/** @type {any} */ e, /** @type {number} */ i) => ({ e, i }));
  const matches = all.filter(({ e }) => e.request.url.includes(exp.url) && e.request.method === method && e.response.status === exp.status);
  return matches[exp.nth ?? 0]?.i ?? -1;
}

/**
 * Judges one scenario's HAR against its expectations.
 * @param {any} har
 * @param {Expectation[]} expect
 * @returns {{ hit: boolean, results: { exp: Expectation, index: number, got: string[], ok: boolean, problem?: string }[] }}
 */
export function judge(har, expect) {
  const { codes } = diagnose(har);
  const results = expect.map((exp) => {
    const index = findEntry(har, exp);
    if (index < 0) {
      const seen = har.log.entries.map((/** @type {any} */ e) => `${e.request.method} ${e.request.url} ${e.response.status}`);
      return { exp, index, got: [], ok: false, problem: `no entry ${exp.method ?? 'GET'} *${exp.url}* ${exp.status} in [${seen.join(', ')}]` };
    }
    const got = codes[index];
    const problems = [];
    if (exp.top === null && got.length) problems.push(`expected no finding, got ${got.join(', ')}`);
    if (exp.top && got[0] !== exp.top) problems.push(`expected ${exp.top} first, got ${got.length ? got.join(', ') : 'nothing'}`);
    for (const a of exp.absent ?? []) if (got.includes(a)) problems.push(`${a} must not be raised (got ${got.join(', ')})`);
    return { exp, index, got, ok: problems.length === 0, ...(problems.length ? { problem: problems.join('; ') } : {}) };
  });
  return { hit: results.every((r) => r.ok), results };
}

/**
 * What must stay the same between a live recording and the committed fixture: the
 * status and the challenges (schemes and parameters; nonces, opaque values and dates
 * vary per run and are ignored) of every expected entry.
 * @param {any} har
 * @param {Expectation[]} expect
 */
export function shape(har, expect) {
  return expect.map((exp) => {
    const i = findEntry(har, exp);
    if (i < 0) return { url: exp.url, status: exp.status, found: false };
    const e = har.log.entries[i];
    const challenges = e.response.headers
      .filter((/** @type {any} */ h) => /^(www|proxy)-authenticate$/i.test(h.name))
      .map((/** @type {any} */ h) => `${h.name.toLowerCase()}: ${normaliseChallenge(h.value)}`);
    return { url: exp.url, status: e.response.status, found: true, challenges };
  });
}

/** @param {string} value */
export function normaliseChallenge(value) {
  return (
    value
      .replace(/\b(nonce|opaque|cnonce)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)/gi, '$1=…')
      // A realm or resource URL names the server's loopback port, which is free-picked per run.
      .replace(/\b(127\.0\.0\.1|localhost|\[::1\]):\d+/g, '$1:PORT')
  );
}

/**
 * @param {string} stackId
 * @param {string} scenarioId
 */
export function fixturePaths(stackId, scenarioId) {
  const dir = join(fixturesDir, stackId);
  return { dir, har: join(dir, `${scenarioId}.har`), expect: join(dir, `${scenarioId}.expect.json`) };
}

/** What the server logged during each recorded scenario, by its HAR. */
const serverLogs = new WeakMap();

/**
 * The last lines the server logged while the scenario ran (evidence for docs/interop.md).
 * @param {any} har
 */
export function serverLogOf(har) {
  const text = String(serverLogs.get(har) ?? '');
  // eslint-disable-next-line no-control-regex -- Werkzeug colours its log lines (ANSI SGR).
  const lines = text.split('\n').map((l) => l.replace(/\u001b\[[0-9;]*m/g, '').trimEnd()).filter(Boolean);
  return lines.slice(-8).map((l) => (l.length > 300 ? l.slice(0, 300) + '…' : l));
}

/**
 * Writes a scenario's fixture: the HAR and its expectations, with what the server was.
 * @param {Stack} stack
 * @param {Scenario} scenario
 * @param {Server} server
 * @param {any} har
 */
export function writeFixture(stack, scenario, server, har) {
  const p = fixturePaths(stack.id, scenario.id);
  mkdirSync(p.dir, { recursive: true });
  writeFileSync(p.har, JSON.stringify(har, null, 1) + '\n');
  const meta = {
    stack: stack.id,
    stackTitle: stack.title,
    server: server.version,
    title: scenario.title,
    did: scenario.did,
    serverSaid: scenario.serverSaid,
    serverLog: serverLogOf(har),
    why: scenario.why,
    expect: scenario.expect,
    ...(scenario.knownMiss ? { knownMiss: scenario.knownMiss } : {}),
    ...(scenario.revised ? { revised: scenario.revised } : {}),
  };
  writeFileSync(p.expect, JSON.stringify(meta, null, 2) + '\n');
}

/**
 * @param {string} stackId
 * @param {string} scenarioId
 * @returns {any | null}
 */
export function readFixtureHar(stackId, scenarioId) {
  const p = fixturePaths(stackId, scenarioId);
  return existsSync(p.har) ? JSON.parse(readFileSync(p.har, 'utf8')) : null;
}

/**
 * Starts every stack once, runs every scenario (callbacks get each result), stops them.
 * One Chromium for the whole run, all its traffic through one recording tap.
 * @param {Stack[]} stacks
 * @param {(stack: Stack, scenario: Scenario, server: Server, har: any, error?: unknown) => Promise<void> | void} onScenario
 *   har is null when the scenario could not run; error says why
 * @param {(stack: Stack, error: unknown, server?: Server) => Promise<void> | void} [onStackError]
 */
export async function runAll(stacks, onScenario, onStackError) {
  const tap = await startTap();
  const browser = await launchBrowser(tap.browserArgs);
  try {
    for (const stack of stacks) {
      const ctx = context(join(stacksDir, stack.id), tap);
      /** @type {Server | undefined} */
      let server;
      try {
        server = await stack.start(ctx);
        for (const scenario of stack.scenarios) {
          tap.setUpstream(server.proxy ?? null);
          /** @type {any} */
          let har = null;
          /** @type {unknown} */
          let failure;
          // Some stacks' logs() are several files put together, so "new" is by line.
          const before = new Set(server.logs().split('\n'));
          try {
            har = await recordScenario(browser, tap, scenario, server, ctx);
            serverLogs.set(har, server.logs().split('\n').filter((l) => !before.has(l)).join('\n'));
          } catch (error) {
            // One scenario that cannot run (a login refused, a page that never loads)
            // must not hide the others.
            failure = error;
          }
          await onScenario(stack, scenario, server, har, failure);
        }
      } catch (error) {
        if (onStackError) await onStackError(stack, error, server);
        else throw error;
      } finally {
        tap.setUpstream(null);
        if (server) await server.stop();
      }
    }
  } finally {
    await browser.close();
    await tap.close();
  }
}
