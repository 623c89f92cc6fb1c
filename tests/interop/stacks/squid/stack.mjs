// squid 5 (Debian's) as a forward proxy that demands credentials: one instance with
// basic_ncsa_auth (Basic, an htpasswd file), one with digest_file_auth (Digest, a plain
// user:password file), both for the same canary user. Behind them, a small origin on
// loopback. Chromium's traffic goes through the recording tap, which forwards it to the
// scenario's squid (ctx.useProxy): Chromium's proxy is the tap, so the 407s and the
// Proxy-Authorization retries on the wire are squid's and Chromium's own.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { readLog, renderTemplate, runDir } from '../../support/proc.mjs';

/** @typedef {import('../../support/types.mjs').Context} Context */
/** @typedef {import('puppeteer-core').Page} Page */

const USER = 'alice';
const PASS = 'canary-squid-pass';

/** The helpers of Debian's squid package. */
const HELPERS = '/usr/lib/squid';

/**
 * @param {Context} ctx
 * @param {'basic' | 'digest'} scheme
 */
async function startSquid(ctx, scheme) {
  const port = await ctx.freePort();
  const run = runDir(`squid-${scheme}`);
  // squid runs as "proxy" once started by root: its folder and password file must be its.
  chmodSync(run, 0o777);
  const passwd = join(run, `passwd.${scheme}`);
  copyFileSync(join(ctx.dir, `passwd.${scheme}`), passwd);
  chmodSync(passwd, 0o644);
  const auth =
    scheme === 'basic'
      ? [`auth_param basic program ${HELPERS}/basic_ncsa_auth ${passwd}`, 'auth_param basic realm canary-squid', 'auth_param basic children 2 startup=1']
      : [`auth_param digest program ${HELPERS}/digest_file_auth ${passwd}`, 'auth_param digest realm canary-squid', 'auth_param digest children 2 startup=1'];
  const conf = renderTemplate(join(ctx.dir, 'squid.conf.in'), join(run, 'squid.conf'), { PORT: port, RUN: run, AUTH: auth.join('\n') });
  // -N: no daemon, so the runner owns the process.
  const proc = await ctx.spawn('squid', ['-N', '-f', conf], { readyPort: port });
  return {
    port,
    stop: proc.stop,
    logs: () => `== squid (${scheme}) access.log\n${readLog(join(run, 'access.log'))}== cache.log\n${readLog(join(run, 'cache.log')).split('\n').slice(-15).join('\n')}`,
  };
}

/**
 * @param {'basic' | 'digest'} scheme
 * @param {'none' | 'wrong' | 'right'} answer
 * @returns {import('../../support/types.mjs').Scenario}
 */
function scenario(scheme, answer) {
  const Scheme = scheme === 'basic' ? 'Basic' : 'Digest';
  const challenge =
    scheme === 'basic' ? 'Proxy-Authenticate: Basic realm="canary-squid"' : 'Proxy-Authenticate: Digest realm="canary-squid", nonce="…", qop="auth", stale=false';
  const base = {
    async run(/** @type {Page} */ page, /** @type {any} */ server, /** @type {Context} */ ctx) {
      ctx.useProxy({ host: '127.0.0.1', port: server.data[scheme] });
      if (answer === 'none') ctx.cancelAuth(page);
      else ctx.answerAuth(page, USER, answer === 'right' ? PASS : 'canary-wrong-pass');
      await page.goto(`${server.origin}/page`);
    },
  };
  if (answer === 'none') {
    return {
      ...base,
      id: `${scheme}-no-credentials`,
      title: `${Scheme} proxy: the proxy sign-in prompt is cancelled`,
      did: `open /page through squid (${Scheme}); the browser asks for proxy credentials and the user cancels`,
      expect: [{ url: '/page', status: 407, top: 'status.proxy_auth', absent: ['auth.missing'] }],
      serverSaid: `407 Proxy Authentication Required, ${challenge}, X-Squid-Error: ERR_CACHE_ACCESS_DENIED 0, squid's HTML error page; access.log: TCP_DENIED/407 … GET http://127.0.0.1:…/page - HIER_NONE`,
      why: 'A proxy, not the origin, wants credentials, and none were sent (RFC 9110 §15.5.8, §11.7.1): only proxy settings or the proxy\'s password help; the origin\'s sign-in is not involved.',
    };
  }
  if (answer === 'wrong') {
    return {
      ...base,
      id: `${scheme}-wrong-password`,
      title: `${Scheme} proxy: a wrong proxy password`,
      did: `open /page through squid (${Scheme}); the user types alice / a wrong password into the proxy prompt, then cancels the second prompt`,
      expect: [{ url: '/page', status: 407, nth: 1, top: `auth.${scheme}_rejected`, absent: ['auth.missing', 'challenge.digest_stale'] }],
      revised: scheme === 'basic'
        ? "first status.proxy_auth, when auth.basic_rejected was documented for 401 only; it now covers a proxy's 407 too, and names what squid did (read the credentials and refused them)."
        : "first status.proxy_auth, when refused Digest had no code; auth.digest_rejected (a new nonce without stale=true, RFC 7616 \u00a73.3) names what squid did, on a 407 as on a 401.",
      serverSaid: `407 to the first leg, then 407 again (${challenge}${scheme === 'digest' ? ', a new nonce' : ''}) to the retry carrying Proxy-Authorization: ${Scheme} …; access.log: TCP_DENIED/407 … alice HIER_NONE`,
      why: `squid's ${scheme === 'basic' ? 'basic_ncsa_auth' : 'digest_file_auth'} helper refused alice's password and squid challenged again${scheme === 'digest' ? ' with stale=false (RFC 7616 §3.3: not a stale nonce)' : ''}: the proxy read the proxy credentials and refused them (RFC 9110 §15.5.8), so the answer is the refused ${Scheme} credentials (auth.${scheme}_rejected covers a proxy's 407 as well as a 401), not a proxy that merely asks.`,
    };
  }
  return {
    ...base,
    id: `${scheme}-right-password`,
    title: `${Scheme} proxy: the right proxy password (healthy)`,
    did: `open /page through squid (${Scheme}); the user types alice and the right password into the proxy prompt`,
    expect: [
      { url: '/page', status: 407, top: null },
      { url: '/page', status: 200, top: null },
    ],
    serverSaid: `407 (${challenge}) to the first leg, then 200 from the origin through squid to the retry with Proxy-Authorization: ${Scheme} …; access.log: TCP_DENIED/407 … - then TCP_MISS/200 … alice HIER_DIRECT`,
    why: 'A browser learns that a proxy wants credentials from the first 407 and retries with them (RFC 9110 §11.7.1): a first leg answered right away is the normal handshake, not a failure.',
  };
}

/** @type {import('../../support/types.mjs').Stack} */
export default {
  id: 'squid',
  title: 'squid forward proxy (407: basic_ncsa_auth, digest_file_auth)',
  async start(ctx) {
    // The origin behind the proxy: any page will do, the proxy is what is tested.
    const originPort = await ctx.freePort();
    const origin = createServer((req, res) => {
      res.writeHead(req.url === '/page' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>origin</title><p>behind the proxy</p>');
    });
    await new Promise((resolve) => origin.listen(originPort, '127.0.0.1', () => resolve(null)));
    const basic = await startSquid(ctx, 'basic');
    const digest = await startSquid(ctx, 'digest');
    const version = execFileSync('squid', ['-v'], { encoding: 'utf8' }).split('\n')[0].replace('Squid Cache: Version ', 'squid/');
    return {
      version,
      origin: `http://127.0.0.1:${originPort}`,
      data: { basic: basic.port, digest: digest.port },
      logs: () => `${basic.logs()}\n${digest.logs()}`,
      async stop() {
        await Promise.all([basic.stop(), digest.stop()]);
        origin.closeAllConnections();
        await new Promise((resolve) => origin.close(() => resolve(null)));
      },
    };
  },
  scenarios: [
    scenario('basic', 'none'),
    scenario('basic', 'wrong'),
    scenario('basic', 'right'),
    scenario('digest', 'none'),
    scenario('digest', 'wrong'),
    scenario('digest', 'right'),
  ],
};
