// Flask + Flask-JWT-Extended (app.py), served by Werkzeug. Its conventions: tokens carry
// `type: "access" | "refresh"`, `fresh`, `jti`; its default answers are JSON
// {"msg": "..."} with 401 for missing, expired and revoked tokens and 422 for tokens it
// cannot use (bad signature, wrong type, unparsable), and it never sends WWW-Authenticate
// (flask_jwt_extended/default_callbacks.py).

import { signHs256, now } from '../../support/jwt.mjs';
import { startPythonApp } from '../../support/proc.mjs';

/** @typedef {import('../../support/types.mjs').Context} Context */
/** @typedef {import('puppeteer-core').Page} Page */

const LOGIN = { username: 'alice', password: 'canary-flask-pass' };

/**
 * Signs in through the API and returns its JSON answer ({access_token, refresh_token}).
 * @param {Page} page @param {Context} ctx @param {string} [query]
 */
async function login(page, ctx, query = '') {
  const r = await ctx.fetchFromPage(page, `/api/login${query}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(LOGIN),
  });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${r.body}`);
  return JSON.parse(r.body);
}

/** @param {Page} page @param {Context} ctx @param {string} authorization */
const callApi = (page, ctx, authorization) =>
  ctx.fetchFromPage(page, '/api/protected', authorization ? { headers: { Authorization: authorization } } : {});

/** @type {import('../../support/types.mjs').Stack} */
export default {
  id: 'flask-jwt-extended',
  title: 'Flask-JWT-Extended (Bearer JWT, its type/fresh/jti claims, JSON msg errors)',
  start: (ctx) => startPythonApp(ctx, ['flask-jwt-extended', 'flask', 'pyjwt', 'werkzeug']),
  scenarios: [
    {
      id: 'missing-header',
      title: 'No Authorization header',
      did: 'fetch("/api/protected") without any credentials',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await callApi(page, ctx, '');
      },
      expect: [{ url: '/api/protected', status: 401, top: 'auth.missing' }],
      serverSaid: '401 {"msg": "Missing Authorization Header"}, no WWW-Authenticate; log: "GET /api/protected HTTP/1.1" 401',
      why: 'NoAuthorizationError, answered by default_unauthorized_callback with 401: the request carried no credentials at all (RFC 9110 §11.6.2).',
    },
    {
      id: 'expired-access-token',
      title: 'An access token past its exp',
      did: 'POST /api/login?ttl=1 (a 1-second access token), wait 2.5 s, then fetch("/api/protected") with it',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        const tokens = await login(page, ctx, '?ttl=1');
        await ctx.sleep(2500);
        await callApi(page, ctx, `Bearer ${tokens.access_token}`);
      },
      expect: [{ url: '/api/protected', status: 401, top: 'token.expired' }],
      serverSaid: '401 {"msg": "Token has expired"}, no WWW-Authenticate; the response Date is past the token\'s exp',
      why: 'PyJWT raised ExpiredSignatureError and default_expired_token_callback answered 401 "Token has expired": the server refused a token that is past exp on its own clock (RFC 7519 §4.1.4), whatever the margin.',
    },
    {
      id: 'refresh-token-as-access',
      title: 'The refresh token sent as the access token',
      did: 'POST /api/login, then fetch("/api/protected") with Bearer <refresh_token>',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        const tokens = await login(page, ctx);
        await callApi(page, ctx, `Bearer ${tokens.refresh_token}`);
      },
      expect: [{ url: '/api/protected', status: 422, top: 'token.refresh_token_as_access' }],
      serverSaid: '422 {"msg": "Only non-refresh tokens are allowed"}; the token\'s claims say "type": "refresh"',
      why: 'verify_token_type() raises WrongTokenError for a token whose "type" claim is "refresh" on a @jwt_required() (access) endpoint, answered 422 by default_invalid_token_callback (RFC 6749 §1.5: refresh tokens are for the token endpoint only).',
    },
    {
      id: 'bad-signature',
      title: 'A token signed with another key (another environment\'s)',
      did: 'fetch("/api/protected") with a well-formed HS256 token, same claims shape, signed with a key this server does not have',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        const t = now();
        const token = signHs256({ fresh: false, iat: t, jti: 'canary-jti-foreign-0001', type: 'access', sub: 'alice', nbf: t, csrf: 'canary-csrf', exp: t + 900 }, 'canary-staging-signing-key');
        await callApi(page, ctx, `Bearer ${token}`);
      },
      expect: [{ url: '/api/protected', status: 422, top: 'token.rejected', absent: ['token.expired', 'auth.missing'] }],
      serverSaid: '422 {"msg": "Signature verification failed"}',
      why: 'PyJWT raised InvalidSignatureError (a DecodeError) and default_invalid_token_callback answered 422 with its message: a well-formed, unexpired token the server refuses (key rotated, or another issuer\'s key).',
    },
    {
      id: 'revoked-token',
      title: 'A token used after logout revoked it',
      did: 'POST /api/login, DELETE /api/logout with the access token (200), then fetch("/api/protected") with the same token',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        const tokens = await login(page, ctx);
        await ctx.fetchFromPage(page, '/api/logout', { method: 'DELETE', headers: { Authorization: `Bearer ${tokens.access_token}` } });
        await callApi(page, ctx, `Bearer ${tokens.access_token}`);
      },
      expect: [{ url: '/api/protected', status: 401, top: 'token.rejected', absent: ['token.expired', 'auth.missing'] }],
      serverSaid: '401 {"msg": "Token has been revoked"}',
      why: 'The token_in_blocklist_loader found its jti, and default_revoked_token_callback answered 401 "Token has been revoked": a valid, unexpired token refused by the server (revoked).',
    },
    {
      id: 'not-attached-after-login',
      title: 'Signed in, then the token is not attached',
      did: 'POST /api/login (200, JSON with access_token), then fetch("/api/protected") without Authorization',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await login(page, ctx);
        await callApi(page, ctx, '');
      },
      expect: [{ url: '/api/protected', status: 401, top: 'pattern.after_login' }],
      serverSaid: '200 {"access_token": "eyJ…", "refresh_token": "eyJ…"} to the login, then 401 {"msg": "Missing Authorization Header"}',
      why: 'The login answered with a token, and the next call carried no Authorization: the client did not attach it (RFC 6750 §2.1).',
    },
    {
      id: 'bearer-undefined',
      title: 'Authorization: Bearer undefined',
      did: 'fetch("/api/protected") with Authorization: Bearer undefined (a client whose token variable was not set)',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await callApi(page, ctx, 'Bearer undefined');
      },
      expect: [{ url: '/api/protected', status: 422, top: 'auth.malformed' }],
      serverSaid: '422 {"msg": "Not enough segments"}',
      why: 'PyJWT could not split "undefined" into a JWS (DecodeError "Not enough segments", 422): the client sent a placeholder, not a token.',
    },
    {
      id: 'wrong-scheme',
      title: 'The token under another scheme (JWT instead of Bearer)',
      did: 'POST /api/login, then fetch("/api/protected") with Authorization: JWT <access_token>',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        const tokens = await login(page, ctx);
        await callApi(page, ctx, `JWT ${tokens.access_token}`);
      },
      expect: [{ url: '/api/protected', status: 401, top: 'auth.scheme_mismatch' }],
      serverSaid: '401 {"msg": "Missing \'Bearer\' type in \'Authorization\' header. Expected \'Authorization: Bearer <JWT>\'"}, no WWW-Authenticate',
      why: 'JWT_HEADER_TYPE is "Bearer": the library found the header but not its scheme, and says which it expected. The credentials are under a scheme the server does not accept (RFC 9110 §11.6.2).',
    },
    {
      id: 'healthy',
      title: 'Sign in and call the API (healthy)',
      did: 'POST /api/login, then fetch("/api/protected") with Bearer <access_token>',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        const tokens = await login(page, ctx);
        await callApi(page, ctx, `Bearer ${tokens.access_token}`);
      },
      expect: [
        { url: '/api/login', method: 'POST', status: 200, top: null },
        { url: '/api/protected', status: 200, top: null },
      ],
      serverSaid: '200 {"access_token", "refresh_token"}, then 200 {"logged_in_as": "alice"}',
      why: 'Nothing failed: no finding.',
    },
  ],
};
