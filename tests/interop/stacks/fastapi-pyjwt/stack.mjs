// FastAPI + PyJWT (app.py) under uvicorn. Its conventions: the OAuth2 password flow at
// POST /token (form body, answer {access_token, token_type: "bearer", expires_in,
// refresh_token}), OAuth2PasswordBearer's 401 "Not authenticated" with
// WWW-Authenticate: Bearer when no token is sent (fastapi/security/oauth2.py in the pinned
// FastAPI; older releases' HTTPBearer answered 403), JSON {"detail": ...} bodies, and
// PyJWT's messages in the challenge's error_description.

import { b64url } from '../../support/jwt.mjs';
import { startPythonApp } from '../../support/proc.mjs';

/** @typedef {import('../../support/types.mjs').Context} Context */
/** @typedef {import('puppeteer-core').Page} Page */

/**
 * The OAuth2 password grant at /token, as the FastAPI tutorial's login form sends it.
 * @param {Page} page @param {Context} ctx @param {Record<string, string>} [extra]
 */
async function token(page, ctx, extra = {}) {
  const body = new URLSearchParams({ username: 'alice', password: 'canary-fastapi-pass', ...extra }).toString();
  const r = await ctx.fetchFromPage(page, '/token', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
  if (r.status !== 200) throw new Error(`/token: ${r.status} ${r.body}`);
  return JSON.parse(r.body);
}

/** @param {Page} page @param {Context} ctx @param {string} authorization @param {string} [method] */
const items = (page, ctx, authorization, method = 'GET') =>
  ctx.fetchFromPage(page, '/api/items', { method, headers: authorization ? { Authorization: authorization } : {} });

/** @type {import('../../support/types.mjs').Stack} */
export default {
  id: 'fastapi-pyjwt',
  title: 'FastAPI + PyJWT (OAuth2PasswordBearer, scopes, aud/nbf/exp, token_type)',
  start: (ctx) => startPythonApp(ctx, ['fastapi', 'starlette', 'pyjwt', 'uvicorn']),
  scenarios: [
    {
      id: 'no-credentials',
      title: 'No token at all',
      did: 'fetch("/api/items") without Authorization',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        await items(page, ctx, '');
      },
      expect: [{ url: '/api/items', status: 401, top: 'auth.missing' }],
      serverSaid: '401 {"detail": "Not authenticated"}, WWW-Authenticate: Bearer; uvicorn: "GET /api/items HTTP/1.1" 401 Unauthorized',
      why: 'OAuth2PasswordBearer found no Authorization header and raised its not-authenticated error (401 with a Bearer challenge, RFC 6750 §3): no credentials were sent.',
    },
    {
      id: 'expired-token',
      title: 'An access token past its exp',
      did: 'POST /token with ttl=1 (a 1-second token), wait 2.5 s, then fetch("/api/items") with it',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        const t = await token(page, ctx, { ttl: '1' });
        await ctx.sleep(2500);
        await items(page, ctx, `Bearer ${t.access_token}`);
      },
      expect: [{ url: '/api/items', status: 401, top: 'token.expired' }],
      serverSaid: '401 {"detail": "Could not validate credentials"}, WWW-Authenticate: Bearer scope="items:read", error="invalid_token", error_description="Signature has expired"',
      why: 'PyJWT raised ExpiredSignatureError ("Signature has expired"): the token is past exp on the server\'s clock (RFC 7519 §4.1.4).',
    },
    {
      id: 'expired-after-success',
      title: 'A token that worked, then expired (expires_in said so)',
      did: 'POST /token with ttl=2 (answer expires_in: 2), fetch("/api/items") at once (200), wait 3 s, then the same call with the same token',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        const t = await token(page, ctx, { ttl: '2' });
        await items(page, ctx, `Bearer ${t.access_token}`);
        await ctx.sleep(3000);
        await items(page, ctx, `Bearer ${t.access_token}`);
      },
      expect: [
        { url: '/api/items', status: 200, top: null },
        { url: '/api/items', status: 401, top: 'token.expired' },
      ],
      serverSaid: '200 {"access_token", "expires_in": 2, …}; 200 to the first call; 401 {"detail": "Could not validate credentials"}, WWW-Authenticate: Bearer scope="items:read", error="invalid_token", error_description="Signature has expired" to the second',
      why: 'The same token succeeded before its exp and is refused after it with PyJWT\'s ExpiredSignatureError: it expired (RFC 7519 §4.1.4); the token answer\'s expires_in said when.',
    },
    {
      id: 'wrong-audience',
      title: 'A token minted for another API (aud)',
      did: 'POST /token asking for audience https://billing.example.test/, then fetch("/api/items") with that token',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        const t = await token(page, ctx, { audience: 'https://billing.example.test/' });
        await items(page, ctx, `Bearer ${t.access_token}`);
      },
      expect: [{ url: '/api/items', status: 401, top: 'token.audience_mismatch' }],
      serverSaid: '401 {"detail": "Could not validate credentials"}, WWW-Authenticate: Bearer scope="items:read", error="invalid_token", error_description="Audience doesn\'t match"',
      why: 'jwt.decode(audience=http://127.0.0.1:PORT/api) raised InvalidAudienceError: the token\'s aud names another API (RFC 7519 §4.1.3).',
    },
    {
      id: 'refresh-token-as-access',
      title: 'The refresh token (token_type=refresh) sent as the access token',
      did: 'POST /token, then fetch("/api/items") with Bearer <refresh_token>',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        const t = await token(page, ctx);
        await items(page, ctx, `Bearer ${t.refresh_token}`);
      },
      expect: [{ url: '/api/items', status: 401, top: 'token.refresh_token_as_access' }],
      serverSaid: '401 {"detail": "Could not validate credentials"}, WWW-Authenticate: Bearer scope="items:read", error="invalid_token", error_description="Access token required"; the token\'s claims say "token_type": "refresh"',
      why: 'The app accepts only token_type="access" (the djangorestframework-simplejwt convention): a refresh token belongs at the token endpoint (RFC 6749 §1.5).',
    },
    {
      id: 'insufficient-scope',
      title: 'A read-only token used to write',
      did: 'POST /token (scope items:read), then fetch("/api/items", {method: "POST"}) which needs items:write',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        const t = await token(page, ctx, { scope: 'items:read' });
        await items(page, ctx, `Bearer ${t.access_token}`, 'POST');
      },
      expect: [{ url: '/api/items', method: 'POST', status: 401, top: 'token.scope_insufficient' }],
      serverSaid: '401 {"detail": "Not enough permissions"}, WWW-Authenticate: Bearer scope="items:write"',
      why: 'The FastAPI scopes tutorial answers a token lacking a required scope with 401 and the needed scopes in the challenge; the token holds items:read only (RFC 6750 §3: scope).',
    },
    {
      id: 'not-yet-valid',
      title: 'A token whose nbf is in the future',
      did: 'POST /token with nbf_in=600 (valid from 10 minutes on), then fetch("/api/items") with it',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        const t = await token(page, ctx, { nbf_in: '600' });
        await items(page, ctx, `Bearer ${t.access_token}`);
      },
      expect: [{ url: '/api/items', status: 401, top: 'token.not_yet_valid' }],
      serverSaid: '401 {"detail": "Could not validate credentials"}, WWW-Authenticate: Bearer scope="items:read", error="invalid_token", error_description="The token is not yet valid (nbf)"',
      why: 'PyJWT raised ImmatureSignatureError: nbf is after the server\'s now (RFC 7519 §4.1.5).',
    },
    {
      id: 'alg-none',
      title: 'An unsecured token (alg none)',
      did: 'fetch("/api/items") with a JWT whose header says alg "none" and that has no signature (a development mock left in the client)',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        const t = Math.floor(Date.now() / 1000);
        const claims = { iss: server.origin, aud: `${server.origin}/api`, sub: 'alice', iat: t, exp: t + 900, scope: 'items:read', token_type: 'access' };
        const unsecured = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}.`;
        await items(page, ctx, `Bearer ${unsecured}`);
      },
      expect: [{ url: '/api/items', status: 401, top: 'token.alg_none' }],
      serverSaid: '401 {"detail": "Could not validate credentials"}, WWW-Authenticate: Bearer scope="items:read", error="invalid_token", error_description="The specified alg value is not allowed"',
      why: 'jwt.decode(algorithms=["HS256"]) refuses alg "none" (InvalidAlgorithmError), as RFC 8725 §3.1 asks.',
    },
    {
      id: 'healthy',
      title: 'Password grant, then the API (healthy)',
      did: 'POST /token, then fetch("/api/items") with Bearer <access_token>',
      async run(page, server, ctx) {
        await page.goto(server.origin + '/');
        const t = await token(page, ctx);
        await items(page, ctx, `Bearer ${t.access_token}`);
      },
      expect: [
        { url: '/token', method: 'POST', status: 200, top: null },
        { url: '/api/items', status: 200, top: null },
      ],
      serverSaid: '200 {"access_token", "refresh_token", "token_type": "bearer", "expires_in": 900}, then 200',
      why: 'Nothing failed: no finding.',
    },
  ],
};
