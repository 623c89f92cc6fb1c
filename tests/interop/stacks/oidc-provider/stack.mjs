// @ts-check
// panva's oidc-provider 8 (a certified OpenID Provider) as the OAuth 2.0 authorization
// server, with a resource server in front of two APIs:
//   - /api/reports: JWT access tokens (resource indicator, accessTokenFormat "jwt"),
//     validated by Auth0's express-oauth2-jwt-bearer 1 against the provider's discovery and
//     JWKS, which answers RFC 6750 challenges itself (realm="api", error, scope);
//   - /api/archive: opaque access tokens, checked by RFC 7662 introspection at the
//     provider; a token that is not active gets `Bearer error="invalid_token"`.
// Clients: "backend" and "backend-short" (confidential, client_secret_basic,
// client_credentials; the short one's access tokens live 1 s) and "spa" (public, PKCE,
// authorization code + rotated refresh tokens), whose origin is the resource server's.
// Every token request is a fetch() from the SPA's page (CORS allowed by clientBasedCORS),
// the sign-in goes through the provider's own development login and consent pages.
// Every secret is a canary.
import { createHash, randomBytes } from 'node:crypto';

import express from 'express';
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer';
import { exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import Provider, { errors } from 'oidc-provider';

import { listen, pageFetch, pkgVersion, serverLog, sleep } from '../express-jwt/support.mjs';

const BACKEND = { id: 'backend', secret: 'canary-oidc-backend-secret-5b1e0c7d' };
const BACKEND_SHORT = { id: 'backend-short', secret: 'canary-oidc-backend-short-secret-93ab' };
const RS_CLIENT = { id: 'resource-server', secret: 'canary-oidc-rs-introspection-secret-c4d2' };
const SPA = 'spa';
const USER = { login: 'ada', password: 'canary-oidc-password-ada' };

/**
 * @typedef {object} Data
 * @property {string} issuer the provider's origin (its issuer identifier)
 * @property {string} rs the resource server's origin (also the SPA's)
 */

/** @param {string} value */
const b64 = (value) => Buffer.from(value).toString('base64');

/**
 * @param {{status: number | string, body: string}} got
 * @param {number | string} want
 * @param {string} what
 */
function check(got, want, what) {
  if (got.status !== want) throw new Error(`${what}: expected ${want}, got ${got.status} ${got.body.slice(0, 300)}`);
  return got;
}

/**
 * The SPA's page, where its script runs.
 * @param {import('puppeteer-core').Page} page
 * @param {any} server
 * @returns {Promise<Data>}
 */
async function openSpa(page, server) {
  const data = /** @type {Data} */ (server.data);
  if (!page.url().startsWith(`${data.rs}/`)) await page.goto(`${data.rs}/`);
  return data;
}

/**
 * A token request from the page, as the app's script sends it (form-encoded).
 * @param {import('puppeteer-core').Page} page
 * @param {Data} data
 * @param {Record<string, string>} params
 * @param {{id: string, secret: string}} [client] client_secret_basic; none for the public SPA
 */
function tokenRequest(page, data, params, client) {
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (client) headers.Authorization = `Basic ${b64(`${client.id}:${client.secret}`)}`;
  return pageFetch(page, { url: `${data.issuer}/token`, method: 'POST', headers, body: new URLSearchParams(params).toString() });
}

/**
 * client_credentials for one resource; resolves to the access token.
 * @param {import('puppeteer-core').Page} page
 * @param {Data} data
 * @param {string} resource
 * @param {string} scope
 * @param {{id: string, secret: string}} [client]
 */
async function clientCredentials(page, data, resource, scope, client = BACKEND) {
  const got = check(await tokenRequest(page, data, { grant_type: 'client_credentials', resource, scope }, client), 200, 'client_credentials');
  return /** @type {{access_token: string}} */ (JSON.parse(got.body)).access_token;
}

/**
 * The SPA's sign-in: authorization code with PKCE through the provider's development
 * login and consent pages, then the code exchange from the callback page.
 * @param {import('puppeteer-core').Page} page
 * @param {Data} data
 * @returns {Promise<{access_token: string, id_token: string, refresh_token: string}>}
 */
async function signIn(page, data) {
  await openSpa(page, { data });
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL(`${data.issuer}/auth`);
  for (const [k, v] of Object.entries({
    client_id: SPA,
    response_type: 'code',
    redirect_uri: `${data.rs}/callback`,
    scope: 'openid offline_access',
    prompt: 'consent',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
  })) authorize.searchParams.set(k, v);
  await page.goto(authorize.href);
  await page.waitForSelector('input[name=login]');
  await page.type('input[name=login]', USER.login);
  await page.type('input[name=password]', USER.password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.waitForSelector('input[name=prompt][value=consent]');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type=submit]')]);
  await page.waitForFunction((/** @type {string} */ cb) => location.href.startsWith(cb), {}, `${data.rs}/callback`);
  const code = new URL(page.url()).searchParams.get('code');
  if (!code) throw new Error(`no code in ${page.url()}`);
  const got = check(await tokenRequest(page, data, { grant_type: 'authorization_code', code, redirect_uri: `${data.rs}/callback`, client_id: SPA, code_verifier: verifier }), 200, 'code exchange');
  return JSON.parse(got.body);
}

/**
 * The first half of the SPA's sign-in, for the flow scenarios: the authorization request
 * (code + PKCE S256), the provider's development login and consent pages, and the redirect
 * back to the callback. Resolves to the code and the verifier the client keeps.
 * @param {import('puppeteer-core').Page} page
 * @param {Data} data
 * @returns {Promise<{code: string, verifier: string}>}
 */
async function authorizeCode(page, data) {
  await openSpa(page, { data });
  const verifier = randomBytes(32).toString('base64url');
  await page.goto(authorizeUrl(data, { code_challenge: createHash('sha256').update(verifier).digest('base64url') }));
  await page.waitForSelector('input[name=login]');
  await page.type('input[name=login]', USER.login);
  await page.type('input[name=password]', USER.password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.waitForSelector('input[name=prompt][value=consent]');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type=submit]')]);
  await page.waitForFunction((/** @type {string} */ cb) => location.href.startsWith(cb), {}, `${data.rs}/callback`);
  const code = new URL(page.url()).searchParams.get('code');
  if (!code) throw new Error(`no code in ${page.url()}`);
  return { code, verifier };
}

/**
 * A client built by panva's openid-client 6 (a certified Relying Party library), not by
 * this file: discovery, client authentication, PKCE and the code exchange are its own. It
 * runs in Node, and its requests go through the recording tap (ctx.nodeFetch), so they
 * are legs of the scenario's HAR with the browser's sign-in pages. Plain http on
 * loopback, hence allowInsecureRequests.
 * @param {Data} data
 * @param {import('../../support/types.mjs').Context} ctx
 * @param {string} clientId
 * @param {string | null} secret client_secret_basic; null: a public client (PKCE only)
 */
function openidClient(data, ctx, clientId, secret) {
  return oidc.discovery(new URL(data.issuer), clientId, undefined, secret === null ? oidc.None() : oidc.ClientSecretBasic(secret), {
    execute: [oidc.allowInsecureRequests],
    [oidc.customFetch]: /** @type {oidc.CustomFetch} */ ((url, options) => ctx.nodeFetch(url, options)),
  });
}

/**
 * The SPA's sign-in with openid-client: it builds the authorization URL (code + PKCE
 * S256, state), the browser goes through the provider's login and consent pages, and the
 * callback URL comes back to the library.
 * @param {import('puppeteer-core').Page} page
 * @param {Data} data
 * @param {oidc.Configuration} config
 */
async function openidClientSignIn(page, data, config) {
  await openSpa(page, { data });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${data.rs}/callback`,
    scope: 'openid',
    prompt: 'consent',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  await page.goto(url.href);
  await page.waitForSelector('input[name=login]');
  await page.type('input[name=login]', USER.login);
  await page.type('input[name=password]', USER.password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.waitForSelector('input[name=prompt][value=consent]');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type=submit]')]);
  await page.waitForFunction((/** @type {string} */ cb) => location.href.startsWith(cb), {}, `${data.rs}/callback`);
  return { callback: new URL(page.url()), verifier, state };
}

/**
 * What openid-client threw: its OAuth error code (ResponseBodyError), or a failure.
 * @param {Promise<unknown>} call
 */
async function oauthError(call) {
  try {
    await call;
  } catch (error) {
    // ResponseBodyError carries the body's error; a 401 with a challenge is a
    // WWWAuthenticateChallengeError whose cause lists the parsed challenges.
    const e = /** @type {{ error?: string, cause?: { parameters?: { error?: string } }[] }} */ (error);
    const code = e.error ?? (Array.isArray(e.cause) ? e.cause.find((c) => c.parameters?.error)?.parameters?.error : undefined);
    if (code) return code;
    throw error;
  }
  throw new Error('openid-client: the request succeeded, an OAuth error was expected');
}

/**
 * The SPA's authorization request URL.
 * @param {Data} data
 * @param {Record<string, string>} extra
 */
function authorizeUrl(data, extra) {
  const authorize = new URL(`${data.issuer}/auth`);
  for (const [k, v] of Object.entries({
    client_id: SPA,
    response_type: 'code',
    redirect_uri: `${data.rs}/callback`,
    scope: 'openid',
    prompt: 'consent',
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
    ...extra,
  })) authorize.searchParams.set(k, v);
  return authorize.href;
}

/**
 * The SPA's code exchange from its callback page.
 * @param {import('puppeteer-core').Page} page
 * @param {Data} data
 * @param {Record<string, string>} params code, code_verifier, and any override
 */
function exchangeCode(page, data, params) {
  return tokenRequest(page, data, { grant_type: 'authorization_code', redirect_uri: `${data.rs}/callback`, client_id: SPA, ...params });
}

/** @type {import('../../support/types.mjs').Stack} */
export default {
  id: 'oidc-provider',
  title: 'oidc-provider 8 (OpenID Provider) + a resource server (express-oauth2-jwt-bearer 1, RFC 7662 introspection)',
  /** @returns {Promise<import('../../support/types.mjs').Server>} */
  async start() {
    const log = serverLog();
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'canary-oidc-key-1', use: 'sig', alg: 'RS256' };

    // Both servers need each other's origin: listen first, attach the handlers after.
    /** @type {import('node:http').RequestListener} */
    let providerHandler = (_req, res) => {
      res.end();
    };
    /** @type {import('node:http').RequestListener} */
    let rsHandler = (_req, res) => {
      res.end();
    };
    const op = await listen((req, res) => providerHandler(req, res));
    const rsHttp = await listen((req, res) => rsHandler(req, res));
    const issuer = op.origin;
    const rs = rsHttp.origin;

    /** @type {Record<string, {scope: string, accessTokenFormat: 'jwt' | 'opaque'}>} */
    const resources = {
      [`${rs}/api/reports`]: { scope: 'reports:read reports:write', accessTokenFormat: 'jwt' },
      [`${rs}/api/billing`]: { scope: 'billing:read', accessTokenFormat: 'jwt' },
      [`${rs}/api/archive`]: { scope: 'archive:read', accessTokenFormat: 'opaque' },
    };
    const provider = new Provider(issuer, {
      clients: [
        { client_id: BACKEND.id, client_secret: BACKEND.secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
        { client_id: BACKEND_SHORT.id, client_secret: BACKEND_SHORT.secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
        { client_id: RS_CLIENT.id, client_secret: RS_CLIENT.secret, grant_types: [], response_types: [], redirect_uris: [] },
        { client_id: SPA, token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: [`${rs}/callback`] },
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: ['canary-oidc-cookie-key-0001'] },
      scopes: ['openid', 'offline_access', 'reports:read', 'reports:write', 'billing:read', 'archive:read'],
      findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
      clientBasedCORS: (_ctx, origin) => origin === rs,
      rotateRefreshToken: true,
      features: {
        devInteractions: { enabled: true },
        clientCredentials: { enabled: true },
        introspection: { enabled: true },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          useGrantedResource: async () => true,
          getResourceServerInfo: async (_ctx, resource, client) => {
            const info = resources[resource];
            if (!info) throw new errors.InvalidTarget();
            return { ...info, audience: resource, accessTokenTTL: client.clientId === BACKEND_SHORT.id ? 1 : 3600, jwt: { sign: { alg: 'RS256' } } };
          },
        },
      },
    });
    provider.use(async (ctx, next) => {
      await next();
      log.log(`provider: ${ctx.method} ${ctx.path} ${ctx.status}`);
    });
    for (const event of ['grant.error', 'introspection.error', 'revocation.error', 'server_error', 'authorization.error']) {
      provider.on(event, (_ctx, err) => log.log(`provider ${event}: ${err.name} ${err.error ?? ''}: ${err.error_description ?? err.message}${err.error_detail ? ` (${err.error_detail})` : ''}`));
    }
    for (const event of ['grant.success', 'grant.revoked', 'revocation.success', 'access_token.destroyed', 'refresh_token.consumed']) {
      provider.on(event, () => log.log(`provider ${event}`));
    }
    providerHandler = provider.callback();

    // The resource server, which also serves the SPA's pages.
    const app = express();
    app.set('env', 'production');
    app.use((req, res, next) => {
      res.on('finish', () => log.log(`rs: ${req.method} ${req.originalUrl} ${res.statusCode}${res.getHeader('www-authenticate') ? ` WWW-Authenticate: ${res.getHeader('www-authenticate')}` : ''}`));
      next();
    });
    app.get('/', (_req, res) => {
      res.type('html').send('<!doctype html><meta charset="utf-8"><title>SPA</title><h1>SPA</h1>');
    });
    app.get('/callback', (_req, res) => {
      res.type('html').send('<!doctype html><meta charset="utf-8"><title>SPA callback</title><h1>Signing in…</h1>');
    });
    app.get('/favicon.ico', (_req, res) => {
      res.status(204).end();
    });
    const reportsAuth = auth({ issuerBaseURL: issuer, audience: `${rs}/api/reports` });
    app.get('/api/reports', reportsAuth, (req, res) => {
      res.json({ reports: [], sub: req.auth?.payload.sub ?? null });
    });
    app.post('/api/reports', reportsAuth, requiredScopes('reports:write'), (_req, res) => {
      res.status(201).json({ created: true });
    });
    // Opaque tokens: RFC 7662 introspection, RFC 6750 challenges.
    app.get('/api/archive', async (req, res) => {
      const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
      if (!match) {
        res.set('WWW-Authenticate', 'Bearer realm="archive"').status(401).json({ error: 'invalid_request', error_description: 'no access token' });
        return;
      }
      const answer = await fetch(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: { Authorization: `Basic ${b64(`${RS_CLIENT.id}:${RS_CLIENT.secret}`)}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: match[1], token_type_hint: 'access_token' }),
      });
      const info = /** @type {{active: boolean, aud?: string | string[], scope?: string}} */ (await answer.json());
      log.log(`rs: introspection → ${JSON.stringify({ active: info.active, aud: info.aud, scope: info.scope })}`);
      const aud = [info.aud ?? []].flat();
      if (!info.active || !aud.includes(`${rs}/api/archive`)) {
        const description = info.active ? 'The access token is for another resource' : 'The access token is not active';
        res.set('WWW-Authenticate', `Bearer realm="archive", error="invalid_token", error_description="${description}"`).status(401).json({ error: 'invalid_token', error_description: description });
        return;
      }
      res.json({ documents: [] });
    });
    // Errors from express-oauth2-jwt-bearer carry their status and the RFC 6750 challenge
    // (err.headers); the app answers them as JSON, as an API does.
    app.use(
      /** @type {import('express').ErrorRequestHandler} */
      (err, _req, res, next) => {
        if (!err.status || !err.headers) return next(err);
        log.log(`rs: ${err.name}: ${err.message}`);
        res.status(err.status).set(err.headers).json({ error: err.code, error_description: err.message });
      },
    );
    rsHandler = app;

    return {
      version: `oidc-provider ${pkgVersion('oidc-provider')}, express-oauth2-jwt-bearer ${pkgVersion('express-oauth2-jwt-bearer')}, express ${pkgVersion('express')}`,
      origin: rs,
      data: /** @type {Data} */ ({ issuer, rs }),
      stop: async () => {
        await rsHttp.stop();
        await op.stop();
      },
      logs: log.text,
    };
  },
  scenarios: [
    {
      id: 'client-secret-wrong',
      title: 'The token endpoint refuses a wrong client secret',
      did: 'The page POSTs grant_type=client_credentials to /token with Authorization: Basic backend:<wrong secret>',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const data = await openSpa(page, server);
        check(await tokenRequest(page, data, { grant_type: 'client_credentials', resource: `${data.rs}/api/reports`, scope: 'reports:read' }, { id: BACKEND.id, secret: 'canary-oidc-wrong-secret' }), 401, 'token');
      },
      expect: [{ url: '/token', method: 'POST', status: 401, top: 'oauth.invalid_client', absent: ['auth.missing'] }],
      revised: "first auth.basic_rejected (the only code then for refused Basic credentials); oauth.invalid_client is the server's own error code (RFC 6749 \u00a75.2).",
      why: 'oidc-provider authenticates the client (client_secret_basic); the secret does not match, so it answers RFC 6749 §5.2 invalid_client with 401 and, because the client authenticated with the Authorization header, a Basic challenge (lib/shared/client_auth.js). A well-formed Basic credential refused: a wrong client secret, which the server itself names invalid_client (oauth.invalid_client).',
      serverSaid: '401 {"error":"invalid_client","error_description":"client authentication failed"}, WWW-Authenticate: Basic realm="http://127.0.0.1:P", error="invalid_client", error_description="client authentication failed"; log: provider grant.error: InvalidClientAuth invalid_client: client authentication failed (invalid secret provided)',
    },
    {
      id: 'opaque-revoked',
      title: 'An opaque access token used after it was revoked (RFC 7009)',
      did: 'The page gets an opaque access token (client_credentials, resource /api/archive), calls /api/archive (200), revokes the token at /token/revocation, then calls /api/archive again with it',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const data = await openSpa(page, server);
        const token = await clientCredentials(page, data, `${data.rs}/api/archive`, 'archive:read');
        const call = () => pageFetch(page, { url: '/api/archive', headers: { Authorization: `Bearer ${token}` } });
        check(await call(), 200, 'archive before revocation');
        const revoke = await pageFetch(page, {
          url: `${data.issuer}/token/revocation`,
          method: 'POST',
          headers: { Authorization: `Basic ${b64(`${BACKEND.id}:${BACKEND.secret}`)}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        });
        check(revoke, 200, 'revocation');
        check(await call(), 401, 'archive after revocation');
      },
      expect: [
        { url: '/api/archive', method: 'GET', status: 200, top: null },
        { url: '/api/archive', method: 'GET', status: 401, top: 'token.rejected', absent: ['auth.missing'] },
      ],
      why: 'After RFC 7009 revocation oidc-provider destroys the token, so RFC 7662 introspection answers {"active":false}; the resource server then answers 401 with an RFC 6750 invalid_token challenge. The token is well formed and was accepted seconds before: it was revoked (token.rejected: "revoked, rotated key, …").',
      serverSaid: 'first call 200; revocation 200; second call 401 {"error":"invalid_token","error_description":"The access token is not active"}, WWW-Authenticate: Bearer realm="archive", error="invalid_token", error_description="The access token is not active"; log: provider: POST /token/revocation 200, then provider: POST /token/introspection 200, rs: introspection → {"active":false}',
    },
    {
      id: 'jwt-expired',
      title: 'A JWT access token used after its exp',
      did: 'The page gets a JWT access token for /api/reports from the client "backend-short" (access tokens live 1 s), calls /api/reports at once (200), waits 7 s, and calls again',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const data = await openSpa(page, server);
        const token = await clientCredentials(page, data, `${data.rs}/api/reports`, 'reports:read', BACKEND_SHORT);
        const call = () => pageFetch(page, { url: '/api/reports', headers: { Authorization: `Bearer ${token}` } });
        check(await call(), 200, 'reports at once');
        await sleep(7000);
        check(await call(), 401, 'reports after exp');
      },
      expect: [
        { url: '/api/reports', method: 'GET', status: 200, top: null },
        { url: '/api/reports', method: 'GET', status: 401, top: 'token.expired', absent: ['auth.missing', 'token.rejected'] },
      ],
      why: 'The token\'s exp is iat + 1 s (resource server accessTokenTTL); express-oauth2-jwt-bearer allows 5 s of clock tolerance, so 7 s later its exp check fails and it throws InvalidTokenError, answered 401 with the RFC 6750 challenge. The server refused the token for being past exp on its clock: token.expired, however small the margin (issue #11).',
      serverSaid: 'first call 200; second call 401 {"error":"invalid_token","error_description":"\\"exp\\" claim timestamp check failed"}, WWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="\'exp\' claim timestamp check failed", DPoP algs="RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES256K ES384 ES512 EdDSA"; log: rs: InvalidTokenError: "exp" claim timestamp check failed',
    },
    {
      id: 'jwt-wrong-audience',
      title: 'A JWT access token for another resource server (audience)',
      did: 'The page gets a JWT access token for the resource /api/billing and calls /api/reports with it',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const data = await openSpa(page, server);
        const token = await clientCredentials(page, data, `${data.rs}/api/billing`, 'billing:read');
        check(await pageFetch(page, { url: '/api/reports', headers: { Authorization: `Bearer ${token}` } }), 401, 'reports');
      },
      expect: [{ url: '/api/reports', method: 'GET', status: 401, top: 'token.audience_mismatch', absent: ['auth.missing'] }],
      why: 'oidc-provider puts the resource indicator in aud (http://127.0.0.1:R/api/billing); express-oauth2-jwt-bearer is configured with audience http://127.0.0.1:R/api/reports, its aud validator fails ("Unexpected \'aud\' value") and it answers 401 invalid_token. The audience names another API on the same host.',
      serverSaid: '401 {"error":"invalid_token","error_description":"Unexpected \'aud\' value"}, WWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="Unexpected \'aud\' value", DPoP algs="RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES256K ES384 ES512 EdDSA"; log: rs: InvalidTokenError: Unexpected \'aud\' value',
    },
    {
      id: 'insufficient-scope',
      title: 'A JWT access token without the scope the route requires',
      did: 'The page gets a JWT access token for /api/reports with scope reports:read and POSTs to /api/reports, which requires reports:write',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const data = await openSpa(page, server);
        const token = await clientCredentials(page, data, `${data.rs}/api/reports`, 'reports:read');
        check(await pageFetch(page, { url: '/api/reports', method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' }), 403, 'reports POST');
      },
      expect: [{ url: '/api/reports', method: 'POST', status: 403, top: 'token.scope_insufficient', absent: ['auth.missing', 'status.forbidden'] }],
      why: 'express-oauth2-jwt-bearer\'s requiredScopes("reports:write") throws InsufficientScopeError: 403 with the RFC 6750 §3.1 insufficient_scope challenge naming the scope. The token is valid; it lacks a scope.',
      serverSaid: '403 {"error":"insufficient_scope","error_description":"Insufficient Scope"}, WWW-Authenticate: Bearer realm="api", error="insufficient_scope", error_description="Insufficient Scope", scope="reports:write"; log: rs: InsufficientScopeError: Insufficient Scope',
    },
    {
      id: 'refresh-token-reuse',
      title: 'A rotated refresh token used again',
      did: 'The SPA signs in (authorization code + PKCE, scope openid offline_access), refreshes once (the provider rotates the refresh token), then refreshes again with the first refresh token',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const data = await openSpa(page, server);
        const tokens = await signIn(page, data);
        if (!tokens.refresh_token) throw new Error('no refresh_token from the code exchange');
        const refresh = () => tokenRequest(page, data, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: SPA });
        const first = check(await refresh(), 200, 'first refresh');
        if (JSON.parse(first.body).refresh_token === tokens.refresh_token) throw new Error('the refresh token was not rotated');
        check(await refresh(), 400, 'reused refresh');
      },
      expect: [
        { url: '/token', method: 'POST', status: 200, nth: 1, top: null },
        { url: '/token', method: 'POST', status: 400, top: 'oauth.invalid_grant', absent: ['auth.missing', 'session.cookie_not_sent'] },
      ],
      revised: "first pattern.refresh_race (no token-endpoint code existed); oauth.invalid_grant is the server's own error code, and it tells the reuse of a spent refresh token.",
      why: 'With rotateRefreshToken, oidc-provider consumes a refresh token when it is used and issues a new one; presenting the consumed one again is treated as reuse: it answers RFC 6749 §5.2 invalid_grant (400) and revokes the whole grant. The client reused the refresh token from before a successful refresh: the token endpoint\'s own answer is invalid_grant, for a refresh token already spent (oauth.invalid_grant). A public client\'s token request carries no Authorization by design (client_id in the body), and the provider\'s interaction cookies (Path=/interaction/…, /auth/…) play no part in it.',
      serverSaid: 'first refresh 200 with a new refresh_token; second 400 {"error":"invalid_grant","error_description":"grant request is invalid"}, no WWW-Authenticate; log: provider refresh_token.consumed, then provider grant.revoked, provider grant.error: InvalidGrant invalid_grant: grant request is invalid (refresh token already used)',
    },
    {
      id: 'grant-revoked-after-reuse',
      title: 'The newest access token, after the provider saw a refresh token reused',
      did: 'As refresh-token-reuse (sign in, refresh once, reuse the first refresh token: 400), then the SPA calls the provider\'s userinfo endpoint (/me) with the access token from the successful refresh',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const data = await openSpa(page, server);
        const tokens = await signIn(page, data);
        const refresh = () => tokenRequest(page, data, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: SPA });
        const fresh = JSON.parse(check(await refresh(), 200, 'first refresh').body);
        check(await refresh(), 400, 'reused refresh');
        check(await pageFetch(page, { url: `${data.issuer}/me`, headers: { Authorization: `Bearer ${fresh.access_token}` } }), 401, 'userinfo');
      },
      expect: [{ url: '/me', method: 'GET', status: 401, top: 'pattern.refresh_race', absent: ['auth.missing', 'session.cookie_not_sent'] }],
      why: 'On refresh token reuse oidc-provider revokes the whole grant (grant.revoked), the access token from the successful refresh included; its userinfo endpoint then answers 401 with its RFC 6750 challenge, invalid_token. The access token was fine until the client reused a rotated refresh token: the cause is the refresh race seconds before, not the token itself.',
      serverSaid: 'first refresh 200; reuse 400 invalid_grant; userinfo 401 {"error":"invalid_token","error_description":"invalid token provided"}, WWW-Authenticate: Bearer realm="http://127.0.0.1:P", error="invalid_token", error_description="invalid token provided"; log: provider grant.revoked, provider grant.error: InvalidGrant invalid_grant: grant request is invalid (refresh token already used)',
    },
    {
      id: 'id-token-as-access',
      title: 'The ID token sent to the API instead of the access token',
      did: 'The SPA signs in (authorization code + PKCE) and calls /api/reports with Authorization: Bearer <id_token>',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const data = await openSpa(page, server);
        const tokens = await signIn(page, data);
        check(await pageFetch(page, { url: '/api/reports', headers: { Authorization: `Bearer ${tokens.id_token}` } }), 401, 'reports');
      },
      expect: [{ url: '/api/reports', method: 'GET', status: 401, top: 'token.id_token_as_access', absent: ['auth.missing', 'session.cookie_not_sent'] }],
      why: 'The ID token is signed by the same provider key, so the signature verifies, but its aud is the client id "spa", not the API: express-oauth2-jwt-bearer\'s aud check fails and it answers 401 invalid_token. The token is an ID token (aud "spa", the client id; at_hash; typ JWT, not at+jwt), meant for the client, not for APIs (OIDC Core §2). The provider\'s sign-in cookies (same host, other port, Path=/interaction/…) play no part in a Bearer call.',
      serverSaid: '401 {"error":"invalid_token","error_description":"Unexpected \'aud\' value"}, WWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="Unexpected \'aud\' value", DPoP algs="RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES256K ES384 ES512 EdDSA"; log: rs: InvalidTokenError: Unexpected \'aud\' value',
    },
    {
      id: 'flow-redirect-uri-unregistered',
      title: 'Sign-in flow: the authorization request names a redirect_uri the client did not register',
      did: 'The browser opens the authorization endpoint /auth for client "spa" with redirect_uri=<rs>/elsewhere (registered: <rs>/callback)',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const data = await openSpa(page, server);
        const answer = await page.goto(authorizeUrl(data, { redirect_uri: `${data.rs}/elsewhere`, code_challenge: createHash('sha256').update('x'.repeat(43)).digest('base64url') }));
        if (answer?.status() !== 400) throw new Error(`authorize: expected 400, got ${answer?.status()}`);
      },
      expect: [{ url: '/auth', method: 'GET', status: 400, top: 'oauth.redirect_uri_mismatch', absent: ['auth.missing'] }],
      why: 'oidc-provider checks redirect_uri against the client\'s redirect_uris before anything else (lib/actions/authorization/check_redirect_uri.js) and throws InvalidRedirectUri, "redirect_uri did not match any of the client\'s registered redirect_uris" (lib/helpers/errors.js), which is rendered as its own HTML error page with status 400 and never redirected: RFC 6749 §4.1.2.1 forbids redirecting to an unverified URI. The redirect URI is not registered: oauth.redirect_uri_mismatch.',
      serverSaid: '400 text/html "oops! something went wrong" page with error: invalid_redirect_uri, error_description: redirect_uri did not match any of the client\'s registered redirect_uris; log: provider authorization.error: InvalidRedirectUri invalid_redirect_uri',
    },
    {
      id: 'flow-access-denied',
      title: 'Sign-in flow: the user cancels at the login page',
      did: 'The browser opens /auth for "spa" (code + PKCE), and on the provider\'s login page follows its "[ Cancel ]" link; the provider redirects back to <rs>/callback',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const data = await openSpa(page, server);
        await page.goto(authorizeUrl(data, { code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url') }));
        await page.waitForSelector('input[name=login]');
        await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('a[href*="/abort"]')]);
        await page.waitForFunction((/** @type {string} */ cb) => location.href.startsWith(cb), {}, `${data.rs}/callback`);
        if (new URL(page.url()).searchParams.get('error') !== 'access_denied') throw new Error(`callback: ${page.url()}`);
      },
      expect: [{ url: '/callback', method: 'GET', status: 200, top: 'oauth.access_denied' }],
      why: 'The development interactions\' Cancel link is the interaction "abort" action (lib/actions/interaction.js), which finishes the interaction with {error: "access_denied", error_description: "End-User aborted interaction"}; the provider then answers the resumed authorization request by redirecting to the redirect_uri with error, error_description, state and iss (RFC 6749 §4.1.2.1, RFC 9207). The user declined: oauth.access_denied, on the callback.',
      serverSaid: '303 from /auth/<uid> to <rs>/callback?error=access_denied&error_description=End-User%20aborted%20interaction&state=…&iss=…; log: provider authorization.error: AccessDenied access_denied: End-User aborted interaction',
    },
    {
      id: 'flow-pkce-wrong-verifier',
      title: 'Sign-in flow: the code exchange sends another code_verifier',
      did: 'The SPA signs in (code + PKCE S256) and exchanges the code with a code_verifier of the right format that is not the one the challenge was made from',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const data = await openSpa(page, server);
        const { code } = await authorizeCode(page, data);
        check(await exchangeCode(page, data, { code, code_verifier: randomBytes(32).toString('base64url') }), 400, 'code exchange');
      },
      expect: [{ url: '/token', method: 'POST', status: 400, top: 'oauth.pkce_failed', absent: ['auth.missing'] }],
      why: 'The authorization_code grant calls checkPKCE(code_verifier, codeChallenge, "S256") (lib/actions/grants/authorization_code.js, lib/helpers/pkce.js): BASE64URL(SHA256(verifier)) differs from the stored challenge, so it throws InvalidGrant("PKCE verification failed"), which the token endpoint answers as a bare 400 invalid_grant "grant request is invalid" (the detail goes to the log only). The traffic shows the verifier does not match the challenge: oauth.pkce_failed, above the server\'s generic invalid_grant.',
      serverSaid: '400 {"error":"invalid_grant","error_description":"grant request is invalid"}; log: provider grant.error: InvalidGrant invalid_grant: grant request is invalid (PKCE verification failed)',
    },
    {
      id: 'flow-code-reused',
      title: 'Sign-in flow: the same authorization code exchanged twice',
      did: 'The SPA signs in (code + PKCE), exchanges the code (200), then exchanges the same code again with the same verifier',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const data = await openSpa(page, server);
        const { code, verifier } = await authorizeCode(page, data);
        check(await exchangeCode(page, data, { code, code_verifier: verifier }), 200, 'first exchange');
        check(await exchangeCode(page, data, { code, code_verifier: verifier }), 400, 'second exchange');
      },
      expect: [
        { url: '/token', method: 'POST', status: 200, top: null },
        { url: '/token', method: 'POST', status: 400, top: 'oauth.invalid_grant', absent: ['auth.missing', 'oauth.pkce_failed'] },
      ],
      why: 'A code is single-use (RFC 6749 §4.1.2). oidc-provider marks it consumed on the first exchange; the second finds code.consumed, revokes the grant (the tokens already issued included) and throws InvalidGrant("authorization code already consumed"), answered as 400 invalid_grant "grant request is invalid". Same words as any other refused grant: the traffic shows the code was already exchanged, which is oauth.invalid_grant for a reused code.',
      serverSaid: 'first 200 with tokens; second 400 {"error":"invalid_grant","error_description":"grant request is invalid"}; log: provider grant.revoked, provider grant.error: InvalidGrant invalid_grant: grant request is invalid (authorization code already consumed)',
    },
    {
      id: 'openid-client-invalid-client',
      title: 'openid-client: the token endpoint refuses the client secret',
      did: 'openid-client 6 (in Node, through the tap) discovers the provider and asks for a client_credentials grant as client "backend" with a wrong secret (client_secret_basic, as discovery allows)',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       * @param {import('../../support/types.mjs').Context} ctx
       */
      async run(page, server, ctx) {
        const data = await openSpa(page, server);
        const config = await openidClient(data, ctx, BACKEND.id, 'canary-oidc-wrong-secret-openid-client');
        const error = await oauthError(oidc.clientCredentialsGrant(config, { resource: `${data.rs}/api/reports`, scope: 'reports:read' }));
        if (error !== 'invalid_client') throw new Error(`openid-client got ${error}, expected invalid_client`);
      },
      expect: [
        { url: '/.well-known/openid-configuration', status: 200, top: null },
        { url: '/token', method: 'POST', status: 401, top: 'oauth.invalid_client', absent: ['auth.missing'] },
      ],
      why: 'openid-client sends client_secret_basic (RFC 6749 §2.3.1: the client id and secret form-urlencoded, then Basic). oidc-provider\'s client authentication compares the secret (lib/shared/client_auth.js) and answers 401 invalid_client with a Basic challenge (RFC 6749 §5.2). The library reports the same error code to its caller; the traffic shows the Basic header and the discovery\'s token_endpoint_auth_methods_supported: oauth.invalid_client.',
      serverSaid: '401 {"error":"invalid_client","error_description":"client authentication failed"}, WWW-Authenticate: Basic realm=…, error="invalid_client"; log: provider grant.error: InvalidClientAuth invalid_client: client authentication failed (invalid secret provided)',
    },
    {
      id: 'openid-client-pkce-mismatch',
      title: 'openid-client: the code exchange sends another code_verifier',
      did: 'openid-client builds the authorization URL (code + PKCE S256) for the public client "spa"; the browser signs in; the library exchanges the callback\'s code with a fresh verifier, not the one the challenge was made from',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       * @param {import('../../support/types.mjs').Context} ctx
       */
      async run(page, server, ctx) {
        const data = await openSpa(page, server);
        const config = await openidClient(data, ctx, SPA, null);
        const { callback, state } = await openidClientSignIn(page, data, config);
        const error = await oauthError(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: state }));
        if (error !== 'invalid_grant') throw new Error(`openid-client got ${error}, expected invalid_grant`);
      },
      expect: [{ url: '/token', method: 'POST', status: 400, top: 'oauth.pkce_failed', absent: ['auth.missing'] }],
      why: 'As flow-pkce-wrong-verifier, with the client side written by openid-client: oidc-provider\'s checkPKCE finds BASE64URL(SHA256(code_verifier)) is not the stored code_challenge (RFC 7636 §4.6) and answers 400 invalid_grant "grant request is invalid". The authorization request (through the browser) and the token request (from Node) are in one HAR: the verifier does not match the challenge, oauth.pkce_failed.',
      serverSaid: '400 {"error":"invalid_grant","error_description":"grant request is invalid"}; log: provider grant.error: InvalidGrant invalid_grant: grant request is invalid (PKCE verification failed)',
    },
    {
      id: 'openid-client-code-reused',
      title: 'openid-client: the same authorization code exchanged twice',
      did: 'openid-client signs the public client "spa" in (code + PKCE S256, the browser on the provider\'s pages), exchanges the code (200, the ID token verified against the JWKS), then calls authorizationCodeGrant again with the same callback URL',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       * @param {import('../../support/types.mjs').Context} ctx
       */
      async run(page, server, ctx) {
        const data = await openSpa(page, server);
        const config = await openidClient(data, ctx, SPA, null);
        const { callback, verifier, state } = await openidClientSignIn(page, data, config);
        await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
        const error = await oauthError(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }));
        if (error !== 'invalid_grant') throw new Error(`openid-client got ${error}, expected invalid_grant`);
      },
      expect: [
        { url: '/token', method: 'POST', status: 200, top: null },
        { url: '/token', method: 'POST', status: 400, top: 'oauth.invalid_grant', absent: ['auth.missing', 'oauth.pkce_failed'] },
      ],
      why: 'As flow-code-reused, with openid-client as the client: a code is single-use (RFC 6749 §4.1.2); oidc-provider finds it consumed, revokes the grant and answers 400 invalid_grant "grant request is invalid". The traffic shows the same code exchanged before with success: oauth.invalid_grant for a reused code.',
      serverSaid: 'first 200 with tokens; second 400 {"error":"invalid_grant","error_description":"grant request is invalid"}; log: provider grant.revoked, provider grant.error: InvalidGrant invalid_grant: grant request is invalid (authorization code already consumed)',
    },
    {
      id: 'flow-redirect-uri-changed',
      title: 'Sign-in flow: the code exchange sends another redirect_uri',
      did: 'The SPA signs in (code + PKCE, redirect_uri <rs>/callback) and exchanges the code with the right verifier and redirect_uri=<rs>/callback/other',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const data = await openSpa(page, server);
        const { code, verifier } = await authorizeCode(page, data);
        check(await exchangeCode(page, data, { code, code_verifier: verifier, redirect_uri: `${data.rs}/callback/other` }), 400, 'code exchange');
      },
      expect: [{ url: '/token', method: 'POST', status: 400, top: 'oauth.redirect_uri_mismatch', absent: ['auth.missing', 'oauth.pkce_failed'] }],
      why: 'RFC 6749 §4.1.3: the token request\'s redirect_uri must be identical to the authorization request\'s. oidc-provider compares code.redirectUri with it (lib/actions/grants/authorization_code.js) and throws InvalidGrant("authorization code redirect_uri mismatch"), answered as 400 invalid_grant "grant request is invalid". The traffic shows both redirect_uris: oauth.redirect_uri_mismatch.',
      serverSaid: '400 {"error":"invalid_grant","error_description":"grant request is invalid"}; log: provider grant.error: InvalidGrant invalid_grant: grant request is invalid (authorization code redirect_uri mismatch)',
    },
  ],
};
