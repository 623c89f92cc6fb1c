// lighttpd's mod_auth with mod_authn_file (Debian's lighttpd 1.4.69): /basic/ asks for
// Basic, /digest/ for Digest (MD5, qop=auth), both against users.plain (one canary user).
// The browser answers the sign-in prompt (CDP Fetch.continueWithAuth), exactly as a user
// typing into Chromium's dialog would.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { readLog, renderTemplate, runDir } from '../../support/proc.mjs';

const USER = 'alice';
const PASS = 'canary-lighttpd-pass';

/** @type {import('../../support/types.mjs').Stack} */
export default {
  id: 'lighttpd',
  title: 'lighttpd mod_auth (Basic, Digest)',
  async start(ctx) {
    const port = await ctx.freePort();
    const run = runDir('lighttpd');
    const conf = renderTemplate(join(ctx.dir, 'lighttpd.conf.in'), join(run, 'lighttpd.conf'), { PORT: port, DIR: ctx.dir, RUN: run });
    const version = execFileSync('lighttpd', ['-v'], { encoding: 'utf8' }).split(' ')[0];
    // -D: stay in the foreground, so the runner owns the process.
    const proc = await ctx.spawn('lighttpd', ['-D', '-f', conf], { readyPort: port });
    return {
      version,
      origin: `http://127.0.0.1:${port}`,
      stop: proc.stop,
      logs: () => readLog(join(run, 'error.log')),
    };
  },
  scenarios: [
    {
      id: 'basic-cancelled',
      title: 'Basic: the sign-in prompt is cancelled',
      did: 'fetch("/basic/") from the site\'s page; the browser asks for credentials and the user cancels',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        ctx.cancelAuth(page);
        await ctx.fetchFromPage(page, '/basic/');
      },
      expect: [{ url: '/basic/', status: 401, top: 'auth.missing' }],
      serverSaid: '401, WWW-Authenticate: Basic realm="canary-lighttpd", charset="UTF-8"; an HTML error page; no log line (nothing was tried)',
      why: 'The request carried no Authorization and mod_auth challenged it (RFC 9110 §11.6.2, RFC 7617 §2): credentials are missing. Nothing was refused, so it is not basic_rejected.',
    },
    {
      id: 'basic-wrong-password',
      title: 'Basic: a wrong password',
      did: 'fetch("/basic/"); the user types alice / a wrong password into the prompt, then cancels the second prompt',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        ctx.answerAuth(page, USER, 'canary-wrong-pass');
        await ctx.fetchFromPage(page, '/basic/');
      },
      expect: [{ url: '/basic/', status: 401, nth: 1, top: 'auth.basic_rejected', absent: ['auth.missing'] }],
      serverSaid: '401 to the unauthenticated first leg, then 401 again with the same Basic challenge to Authorization: Basic YWxpY2U6…; error log: "password doesn\'t match for /basic/ username: alice IP: 127.0.0.1"',
      why: 'Well-formed Basic credentials answered with the same challenge again: lighttpd refused the password (its error log says so). RFC 7617 §2: the server re-challenges rejected credentials.',
    },
    {
      id: 'basic-right-password',
      title: 'Basic: the right password through the prompt (healthy)',
      did: 'fetch("/basic/"); the user types alice and the right password into the prompt',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        ctx.answerAuth(page, USER, PASS);
        await ctx.fetchFromPage(page, '/basic/');
      },
      expect: [
        { url: '/basic/', status: 401, top: null },
        { url: '/basic/', status: 200, top: null },
      ],
      serverSaid: '401 Basic challenge to the first leg (no credentials), then 200 to the retry with Authorization: Basic; no log line',
      why: 'This is how Basic works in a browser: the first leg has no credentials, the challenge makes the browser ask, and the retry succeeds (RFC 9110 §11.6.1). A first leg answered right away is not a failure: no finding.',
    },
    {
      id: 'basic-page-cancelled',
      title: 'Basic: a protected page opened, prompt cancelled',
      did: 'navigate to /basic/ (a top-level page load); the user cancels the prompt',
      async run(page, server, ctx) {
        ctx.cancelAuth(page);
        await page.goto(server.origin + '/basic/');
      },
      expect: [{ url: '/basic/', status: 401, top: 'auth.missing' }],
      serverSaid: '401, WWW-Authenticate: Basic realm="canary-lighttpd", charset="UTF-8", HTML body "401 Unauthorized"; no log line',
      why: 'The folder is protected by configuration (auth.require "/basic/"), and the navigation sent no credentials: missing credentials (RFC 9110 §11.6.2), not a public page answering 401.',
    },
    {
      id: 'digest-wrong-password',
      title: 'Digest: a wrong password',
      did: 'fetch("/digest/"); the user types alice / a wrong password, then cancels the second prompt',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        ctx.answerAuth(page, USER, 'canary-wrong-pass');
        await ctx.fetchFromPage(page, '/digest/');
      },
      expect: [{ url: '/digest/', status: 401, nth: 1, top: 'auth.digest_rejected', absent: ['auth.missing', 'challenge.digest_stale'] }],
      serverSaid: '401 with WWW-Authenticate: Digest realm="canary-lighttpd", charset="UTF-8", algorithm=MD5, nonce="…", qop="auth" to both legs; the second challenge has a new nonce and no stale=true; error log: "digest: auth failed for alice: wrong password, IP: 127.0.0.1"',
      why: 'RFC 7616 §3.3: a server that refuses a response computed with a valid nonce sends a fresh challenge without stale=true (stale=true would mean "password right, nonce old"). lighttpd\'s log confirms a wrong password.',
    },
    {
      id: 'digest-unknown-user',
      title: 'Digest: an unknown user name',
      did: 'fetch("/digest/"); the user types a user name the server does not know, then cancels the second prompt',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        ctx.answerAuth(page, 'mallory', 'canary-wrong-pass');
        await ctx.fetchFromPage(page, '/digest/');
      },
      expect: [{ url: '/digest/', status: 401, nth: 1, top: 'auth.digest_rejected', absent: ['auth.missing', 'challenge.digest_stale'] }],
      serverSaid: '401 with a fresh Digest challenge (new nonce, no stale) to the retry carrying Authorization: Digest username="mallory"; no log line for an unknown user',
      why: 'lighttpd refuses an unknown user exactly like a wrong password (a new challenge without stale=true, RFC 7616 §3.3), so from the wire it is refused Digest credentials.',
    },
    {
      id: 'digest-right-password',
      title: 'Digest: the right password (healthy handshake)',
      did: 'fetch("/digest/"); the user types alice and the right password',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        ctx.answerAuth(page, USER, PASS);
        await ctx.fetchFromPage(page, '/digest/');
      },
      expect: [
        { url: '/digest/', status: 401, top: null },
        { url: '/digest/', status: 200, top: null },
      ],
      serverSaid: '401 with the Digest challenge (nonce, qop="auth") to the first leg, then 200 to Authorization: Digest username="alice", response="…"; no log line',
      why: 'Digest always starts with a 401 that carries the nonce (RFC 7616 §3.3): the first leg of a handshake that succeeds right after is not missing credentials, and nothing failed.',
    },
  ],
};
