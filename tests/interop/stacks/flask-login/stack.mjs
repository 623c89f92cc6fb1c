// Flask-Login over Flask's signed session cookie (app.py), served by Werkzeug. Its
// conventions: the session cookie "session" (HttpOnly, Path=/, SameSite=Lax, an Expires
// only when the session is permanent), abort(401) for an anonymous request to a
// @login_required view when no login_view is set (an HTML "Unauthorized" page, no
// WWW-Authenticate), and logout_user() removing the user from the session (Flask then
// sends a new session cookie that names no user; the cookie is not deleted).

import { startPythonApp } from '../../support/proc.mjs';

/** @typedef {import('../../support/types.mjs').Context} Context */
/** @typedef {import('puppeteer-core').Page} Page */

/**
 * POST /login as the sign-in form would (form-encoded).
 * @param {Page} page @param {Context} ctx @param {boolean} [permanent]
 */
async function login(page, ctx, permanent = false) {
  const body = new URLSearchParams({ username: 'alice', password: 'canary-flask-login-pass', permanent: permanent ? '1' : '0' }).toString();
  const r = await ctx.fetchFromPage(page, '/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
  if (r.status !== 200) throw new Error(`/login: ${r.status} ${r.body}`);
}

/** @type {import('../../support/types.mjs').Stack} */
export default {
  id: 'flask-login',
  title: 'Flask-Login (session cookie: expiry, logout, credentials omitted; a token under its own name)',
  start: (ctx) => startPythonApp(ctx, ['flask-login', 'flask', 'werkzeug']),
  scenarios: [
    {
      id: 'session-expired',
      title: 'The session cookie expired',
      did: 'POST /login with a permanent session (cookie Expires in 3 s), wait 4 s, then fetch("/api/me")',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await login(page, ctx, true);
        await ctx.fetchFromPage(page, '/api/me');
        await ctx.sleep(4000);
        await ctx.fetchFromPage(page, '/api/me');
      },
      expect: [
        { url: '/api/me', status: 200, top: null },
        { url: '/api/me', status: 401, top: 'session.cookie_expired', absent: ['token.expired'] },
      ],
      revised: "auth.missing was first in this scenario's must-not-appear list and was taken out of it after the first run (the expected top finding unchanged): \"no credentials were sent\" is true here, and ranks below the cookie finding that says why.",
      serverSaid: '200 to /login with Set-Cookie: session=…; Expires=<3 s later>; HttpOnly; Path=/; SameSite=Lax; then 401 (HTML "Unauthorized", no WWW-Authenticate) to /api/me, which arrived without the cookie',
      why: 'The browser dropped the session cookie at its Expires (RFC 6265 §5.3) and so sent none; Flask-Login saw an anonymous user and aborted with 401. The cause is the expired session.',
    },
    {
      id: 'after-logout',
      title: 'An API call after logout',
      did: 'POST /login, fetch("/api/me") (200), POST /logout, then fetch("/api/me") again',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await login(page, ctx);
        await ctx.fetchFromPage(page, '/api/me');
        await ctx.fetchFromPage(page, '/logout', { method: 'POST' });
        await ctx.fetchFromPage(page, '/api/me');
      },
      expect: [{ url: '/api/me', status: 401, top: 'session.rejected', absent: ['session.cookie_not_sent', 'token.expired', 'token.rejected', 'auth.missing'] }],
      revised: "first auth.missing (then the only code for \"not signed in\"); session.rejected is the catalogue's code for a cookie session whose cookie arrives and holds no signed-in user, with cookie advice instead of Authorization advice.",
      serverSaid: '200 to /logout with Set-Cookie: session=<signed {"_permanent": false}>; HttpOnly; Path=/; SameSite=Lax (the session no longer names a user), then 401 "Unauthorized" (HTML, no WWW-Authenticate) to /api/me, which sent that cookie',
      why: 'The user signed out: logout_user() removed the user id from the session, so the next call, with the replaced cookie, is simply not signed in (RFC 9110 §11.6.2). The browser withheld nothing, and no token is involved: the session cookie was sent and carries no signed-in user, which the catalogue names session.rejected (cookie advice: sign in again), not auth.missing (whose advice is about an Authorization header).',
    },
    {
      id: 'credentials-omitted',
      title: 'Signed in, but the call omits cookies',
      did: 'POST /login, then fetch("/api/me", {credentials: "omit"}) (a client library configured not to send cookies)',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await login(page, ctx);
        await ctx.fetchFromPage(page, '/api/me', { credentials: 'omit' });
      },
      expect: [{ url: '/api/me', status: 401, top: 'session.cookie_not_sent' }],
      revised: "auth.missing was first in this scenario's must-not-appear list and was taken out of it after the first run (the expected top finding unchanged): \"no credentials were sent\" is true here, and ranks below the cookie finding that says why.",
      serverSaid: '200 to /login with Set-Cookie: session=…; HttpOnly; Path=/; SameSite=Lax; then 401 "Unauthorized" to a request that carried no Cookie',
      why: 'The session cookie is valid and matches the URL, but fetch with credentials "omit" does not send cookies (Fetch standard, credentials mode): the session exists and was not sent.',
    },
    {
      id: 'token-not-attached',
      title: 'A token answered under its own name, not attached',
      did: 'POST /api/session with a JSON body (answer {"result": {"authToken": …}}), then fetch("/api/me") without Authorization',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await ctx.fetchFromPage(page, '/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'alice', secret: 'canary-flask-login-pass' }) });
        await ctx.fetchFromPage(page, '/api/me');
      },
      expect: [{ url: '/api/me', status: 401, top: 'pattern.after_login' }],
      serverSaid: '200 {"result": {"authToken": "canary-flask-login-api-token-0001", "user": "alice"}} to POST /api/session, then 401 "Unauthorized" to /api/me without Authorization',
      why: 'The sign-in answered with a credential (result.authToken) and the very next call carried none: the client did not attach what the login returned.',
    },
    {
      id: 'healthy',
      title: 'Sign in and use the session (healthy)',
      did: 'POST /login, then fetch("/api/me")',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await login(page, ctx);
        await ctx.fetchFromPage(page, '/api/me');
      },
      expect: [
        { url: '/login', method: 'POST', status: 200, top: null },
        { url: '/api/me', status: 200, top: null },
      ],
      serverSaid: '200 with Set-Cookie: session=…, then 200 {"user": "alice"}',
      why: 'Nothing failed: no finding.',
    },
  ],
};
