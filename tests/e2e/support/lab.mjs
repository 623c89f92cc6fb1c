// Starts a real `authlens lab` on a free loopback port for the e2e suite.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The CLI built by `cargo build` (make test builds it first). */
const bin = process.env.AUTHLENS_BIN ?? join(root, 'target', 'debug', 'authlens');

/**
 * @typedef {object} Step
 * @property {string} path
 * @property {[string, string][]} headers  name/value pairs
 * @property {boolean} [navigate]
 */

/**
 * @typedef {object} Scenario
 * @property {string} id
 * @property {string} title
 * @property {string[]} expect  the top finding first
 * @property {Step[]} steps
 * @property {boolean} [noBrowser]
 */

/**
 * @param {string} [www] the folder served under /help/ (default: the built self-help page)
 * @returns {Promise<{url: string, scenarios: Scenario[], secrets: string[], stop: () => Promise<void>}>}
 */
export async function startLab(www = join(root, 'dist', 'www')) {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`cargo build\` (make test does)`);
  const child = spawn(bin, ['lab', '--addr', '127.0.0.1:0', '--www', www], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) });
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`authlens lab exited early (${code})`)));
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]);
    });
  });
  const { scenarios } = await (await fetch(new URL('/scenarios.json', url))).json();
  // Every credential the lab hands out is a canary: it must never show up unmasked in
  // the extension's pages or storage.
  const secrets = scenarios.flatMap((/** @type {Scenario} */ s) =>
    s.steps.flatMap((step) =>
      step.headers
        .filter(([name]) => /^(authorization|cookie|dpop)$/i.test(name))
        .flatMap(([, value]) => secretParts(value)),
    ),
  );
  // The session cookie values and the Basic password the lab uses.
  secrets.push('lab-session-value', 'lab-canary-password');
  return {
    url,
    scenarios,
    secrets,
    async stop() {
      child.kill();
      await once(child, 'exit');
    },
  };
}

/**
 * The parts of a credential that must stay hidden: the credential after its scheme, and a
 * JWT's signature on its own (a UI may rightly show a JWT's header and claims).
 * @param {string} value
 */
function secretParts(value) {
  const credential = value.replace(/^\S+\s+/, '');
  const parts = [credential];
  const segments = credential.split('.');
  if (segments.length >= 3 && segments[2]) parts.push(segments[2]);
  // Short values (placeholders like "undefined", Digest parameter lists' fragments) are
  // not secrets and would match innocent text.
  return parts.filter((p) => p.length >= 16 && !p.includes('username='));
}
