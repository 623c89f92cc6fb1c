// Django REST framework with its default authentication classes (app.py), served by
// Django's runserver. Its convention: the first authentication class decides the answer
// to an unauthenticated request; SessionAuthentication has no WWW-Authenticate, so DRF
// answers 403 (not 401) both to no credentials and to refused Basic credentials, with
// {"detail": ...} saying which. A signed-in user without permission also gets 403: the
// detail is the only difference (rest_framework/views.py APIView.permission_denied and
// handle_exception).
import { join } from 'node:path';

import { runDir, startPythonApp } from '../../support/proc.mjs';

/** @typedef {import('../../support/types.mjs').Context} Context */
/** @typedef {import('puppeteer-core').Page} Page */

/**
 * Signs in through the JSON login view (a session cookie).
 * @param {Page} page @param {Context} ctx
 */
async function login(page, ctx) {
  const r = await ctx.fetchFromPage(page, '/api/login/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'canary-django-pass' }),
  });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${r.body}`);
}

/** Django's CSRF token, from its (script-readable) csrftoken cookie. @param {Page} page */
const csrf = (page) => page.evaluate(() => document.cookie.match(/(?:^|; )csrftoken=([^;]+)/)?.[1] ?? '');

/** @type {import('../../support/types.mjs').Stack} */
export default {
  id: 'django-rest-framework',
  title: 'Django REST framework defaults (SessionAuthentication first: 403 without credentials)',
  start: (ctx) => startPythonApp(ctx, ['djangorestframework', 'django'], [join(runDir('drf'), 'db.sqlite3')]),
  scenarios: [
    {
      id: 'no-credentials-403',
      title: 'No credentials: DRF answers 403',
      did: 'open the site\'s page, then fetch("/api/items/") without signing in',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await ctx.fetchFromPage(page, '/api/items/');
      },
      expect: [{ url: '/api/items/', status: 403, top: 'auth.missing', absent: ['status.forbidden'] }],
      serverSaid: '403 {"detail": "Authentication credentials were not provided."}, no WWW-Authenticate; log: Forbidden: /api/items/, "GET /api/items/ HTTP/1.1" 403 58',
      why: 'DRF raised NotAuthenticated; the first authentication class (SessionAuthentication) gives no WWW-Authenticate header, so DRF sends 403 instead of 401 (DRF docs, "Unauthorized and Forbidden responses"). The request carried neither a session nor Authorization: the user is not signed in, and signing in is the fix.',
    },
    {
      id: 'after-logout-403',
      title: 'After logout: DRF answers 403',
      did: 'POST /api/login/ (session), fetch("/api/items/") (200), POST /api/logout/ with the CSRF token, then fetch("/api/items/") again',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await login(page, ctx);
        await ctx.fetchFromPage(page, '/api/items/');
        await ctx.fetchFromPage(page, '/api/logout/', { method: 'POST', headers: { 'X-CSRFToken': await csrf(page) } });
        await ctx.fetchFromPage(page, '/api/items/');
      },
      expect: [
        { url: '/api/items/', status: 200, top: null },
        { url: '/api/items/', status: 403, top: 'auth.missing', absent: ['status.forbidden'] },
      ],
      serverSaid: '200 to /api/logout/ with Set-Cookie: sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/ (the session deleted), then 403 {"detail": "Authentication credentials were not provided."}',
      why: 'logout() flushed the session and Django deleted its cookie; the next call carried no credentials, and DRF\'s session-first default turns NotAuthenticated into 403. Not signed in (any more), not "signed in but not allowed".',
    },
    {
      id: 'basic-wrong-password-403',
      title: 'Refused Basic credentials: DRF answers 403',
      did: 'fetch("/api/items/") with Authorization: Basic alice:<wrong password> (a script client)',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await ctx.fetchFromPage(page, '/api/items/', { headers: { Authorization: `Basic ${btoa('alice:canary-wrong-pass')}` } });
      },
      expect: [{ url: '/api/items/', status: 403, top: 'auth.basic_rejected', absent: ['status.forbidden', 'auth.missing'] }],
      serverSaid: '403 {"detail": "Invalid username/password."}, no WWW-Authenticate',
      why: 'BasicAuthentication raised AuthenticationFailed("Invalid username/password."); the first class (SessionAuthentication) decides the status, so 403 instead of 401. The server\'s own words say the password was refused.',
    },
    {
      id: 'not-admin-403',
      title: 'Signed in, but not allowed (IsAdminUser)',
      did: 'POST /api/login/ as a non-staff user, then fetch("/api/admin/")',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await login(page, ctx);
        await ctx.fetchFromPage(page, '/api/admin/');
      },
      expect: [{ url: '/api/admin/', status: 403, top: 'status.forbidden', absent: ['auth.missing'] }],
      serverSaid: '403 {"detail": "You do not have permission to perform this action."}; the request carried the sessionid cookie',
      why: 'The user is authenticated (the session cookie was sent and accepted), and IsAdminUser refused: PermissionDenied, a real 403 (RFC 9110 §15.5.4). Signing in again will not help.',
    },
    {
      id: 'csrf-missing-403',
      title: 'Signed in, an unsafe request without the CSRF token',
      did: 'POST /api/login/, then fetch("/api/items/", {method: "POST"}) without X-CSRFToken',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await login(page, ctx);
        await ctx.fetchFromPage(page, '/api/items/', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      },
      expect: [{ url: '/api/items/', method: 'POST', status: 403, top: 'status.forbidden', absent: ['auth.missing'] }],
      serverSaid: '403 {"detail": "CSRF Failed: CSRF token missing."}; the request carried the sessionid cookie',
      why: 'SessionAuthentication.enforce_csrf() refused an authenticated unsafe request without the token (DRF docs, "CSRF validation"): the user is signed in, the request is not allowed as sent. Signing in again will not help.',
    },
    {
      id: 'healthy',
      title: 'Sign in and call the API (healthy)',
      did: 'POST /api/login/, then fetch("/api/items/")',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await login(page, ctx);
        await ctx.fetchFromPage(page, '/api/items/');
      },
      expect: [
        { url: '/api/login/', method: 'POST', status: 200, top: null },
        { url: '/api/items/', status: 200, top: null },
      ],
      serverSaid: '200 {"user": "alice"} with Set-Cookie: sessionid=…, csrftoken=…; then 200',
      why: 'Nothing failed: no finding.',
    },
  ],
};
