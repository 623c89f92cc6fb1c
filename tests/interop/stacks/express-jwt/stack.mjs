// @ts-check
// Express 5 with express-jwt 8 (which verifies with jsonwebtoken 9): an API that takes
// HS256 access tokens from `Authorization: Bearer`, with the audience and issuer pinned,
// and answers errors the way express-jwt's README shows (status from the error, no
// WWW-Authenticate: neither express-jwt nor Express sets one).
//
// The tokens are minted by the stack with jsonwebtoken, as the app's login would; every
// secret is a canary. The API runs on loopback and trusts the issuer https://auth.authlens.test/
// and the audience https://api.authlens.test (valid-token: 200), as an app in development
// against a hosted authorization server does: no "environment mismatch" or audience
// finding is right for a token with that issuer and audience.
import express from 'express';
import { expressjwt } from 'express-jwt';
import jwt from 'jsonwebtoken';

import { ensureOn, listen, pageFetch, pkgVersion, serverLog } from './support.mjs';

const SECRET = 'canary-express-jwt-access-secret-2026-12';
/** The secret before the last deploy rotated it. */
const OLD_SECRET = 'canary-express-jwt-access-secret-2026-11';
/** Refresh tokens are signed with their own secret (ACCESS_/REFRESH_TOKEN_SECRET). */
const REFRESH_SECRET = 'canary-express-jwt-refresh-secret-2026-12';
const AUDIENCE = 'https://api.authlens.test';
const USER = { identifier: 'ada@authlens.test', password: 'canary-password-ada-0003' };
const ISSUER = 'https://auth.authlens.test/';

/**
 * @param {Record<string, unknown>} claims
 * @param {string} [secret]
 */
function mint(claims, secret = SECRET) {
  return jwt.sign({ sub: 'user-42', scope: 'profile:read', ...claims }, secret, { algorithm: 'HS256', noTimestamp: true });
}

/** Seconds since the epoch. */
const now = () => Math.floor(Date.now() / 1000);

/** The tokens the scenarios send, minted when the server starts. */
function tokens() {
  const t = now();
  const good = { iss: ISSUER, aud: AUDIENCE, iat: t - 60, exp: t + 3600 };
  return {
    valid: mint(good),
    expired: mint({ ...good, iat: t - 3 * 3600, exp: t - 2 * 3600 }),
    wrongAudience: mint({ ...good, aud: 'https://billing.authlens.test' }),
    wrongIssuer: mint({ ...good, iss: 'https://auth.authlens.test/tenants/other/' }),
    rotatedKey: mint(good, OLD_SECRET),
    refresh: mint({ ...good, token_type: 'refresh', jti: 'canary-refresh-jti-1', exp: t + 30 * 86400 }, REFRESH_SECRET),
    notYetValid: mint({ ...good, iat: t, nbf: t + 3600, exp: t + 7200 }),
  };
}

/**
 * @typedef {object} Server
 * @property {string} origin
 * @property {{tokens: ReturnType<typeof tokens>}} data
 */

/**
 * One scenario: the page calls /api/me with the given Authorization (or none).
 * @param {string} id
 * @param {string} title
 * @param {string} did
 * @param {(s: Server) => string | null} authorization
 * @param {{status: number, top: string | null, absent?: string[]}} expect
 * @param {string} why
 * @param {string} serverSaid
 */
function meScenario(id, title, did, authorization, expect, why, serverSaid) {
  return {
    id,
    title,
    did,
    /**
     * @param {import('puppeteer-core').Page} page
     * @param {any} server the Server this stack's start() returned
     */
    async run(page, server) {
      await ensureOn(page, server.origin);
      const value = authorization(/** @type {Server} */ (server));
      /** @type {Record<string, string>} */
      const headers = value === null ? {} : { Authorization: value };
      const { status } = await pageFetch(page, { url: '/api/me', headers });
      if (status !== expect.status) throw new Error(`${id}: expected ${expect.status}, the server answered ${status}`);
    },
    expect: [{ url: '/api/me', method: 'GET', ...expect }],
    why,
    serverSaid,
  };
}

/** @type {import('../../support/types.mjs').Stack} */
export default {
  id: 'express-jwt',
  title: 'Express 5 + express-jwt 8 (jsonwebtoken 9), HS256 access tokens',
  /** @returns {Promise<import('../../support/types.mjs').Server>} */
  async start() {
    const log = serverLog();
    const app = express();
    app.use((req, res, next) => {
      res.on('finish', () => log.log(`${req.method} ${req.originalUrl} ${res.statusCode}`));
      next();
    });
    app.get('/', (_req, res) => {
      res.type('html').send('<!doctype html><meta charset="utf-8"><title>express-jwt app</title><h1>express-jwt app</h1>');
    });
    app.get('/favicon.ico', (_req, res) => {
      res.status(204).end();
    });
    // The app's login (Strapi's convention: POST /auth/local answers {"jwt": …, "user": …}).
    app.post('/auth/local', express.json(), (req, res) => {
      if (req.body?.identifier !== USER.identifier || req.body?.password !== USER.password) {
        res.status(400).json({ error: { status: 400, name: 'ValidationError', message: 'Invalid identifier or password' } });
        return;
      }
      const t = now();
      res.json({ jwt: mint({ iss: ISSUER, aud: AUDIENCE, iat: t, exp: t + 3600 }), user: { id: 42, username: 'ada', email: USER.identifier } });
    });
    app.use(
      '/api',
      expressjwt({ secret: SECRET, algorithms: ['HS256'], audience: AUDIENCE, issuer: ISSUER }),
    );
    app.get('/api/me', (req, res) => {
      const auth = /** @type {any} */ (req).auth;
      res.json({ sub: auth.sub, scope: auth.scope });
    });
    // express-jwt's README: "if (err.name === 'UnauthorizedError') res.status(401)…";
    // the status comes from the error (err.status), the body names its code and message.
    app.use(
      /** @type {import('express').ErrorRequestHandler} */
      (err, _req, res, next) => {
        if (err.name !== 'UnauthorizedError') return next(err);
        log.log(`UnauthorizedError [${err.code}]: ${err.message}${err.inner ? ` (${err.inner.name})` : ''}`);
        res.status(err.status).json({ error: err.code, message: err.message });
      },
    );
    const http = await listen(app);
    return {
      version: `express ${pkgVersion('express')}, express-jwt ${pkgVersion('express-jwt')}, jsonwebtoken ${pkgVersion('jsonwebtoken')}`,
      origin: http.origin,
      data: { tokens: tokens() },
      stop: http.stop,
      logs: log.text,
    };
  },
  scenarios: [
    meScenario(
      'valid-token',
      'A valid access token (healthy control)',
      'The page fetches /api/me with Authorization: Bearer <a valid HS256 JWT: right iss and aud, exp in 1 h>',
      (s) => `Bearer ${s.data.tokens.valid}`,
      { status: 200, top: null },
      'express-jwt verifies signature, exp, aud and iss and calls next(); the route answers 200. A healthy exchange gets no finding.',
      '200 {"sub":"user-42","scope":"profile:read"}',
    ),
    meScenario(
      'missing-token',
      'No Authorization header',
      'The page fetches /api/me without an Authorization header',
      () => null,
      { status: 401, top: 'auth.missing' },
      'express-jwt with credentialsRequired (the default) throws UnauthorizedError("credentials_required", "No authorization token was found") when the request has no token; the handler answers err.status, 401. The request carried no credentials at all.',
      '401 {"error":"credentials_required","message":"No authorization token was found"}, no WWW-Authenticate; log: UnauthorizedError [credentials_required]: No authorization token was found',
    ),
    meScenario(
      'expired-token',
      'An expired access token',
      'The page fetches /api/me with Authorization: Bearer <JWT with exp 2 h ago>',
      (s) => `Bearer ${s.data.tokens.expired}`,
      { status: 401, top: 'token.expired', absent: ['auth.missing', 'token.audience_mismatch', 'pattern.env_mismatch'] },
      'jsonwebtoken throws TokenExpiredError("jwt expired") when exp is before its clock (no clockTolerance set); express-jwt wraps it as UnauthorizedError code "invalid_token" with status 401.',
      '401 {"error":"invalid_token","message":"jwt expired"}; log: UnauthorizedError [invalid_token]: jwt expired (TokenExpiredError)',
    ),
    {
      id: 'login-jwt-not-sent',
      title: 'The login answered {"jwt": …}, the next call went without it',
      did: 'The page POSTs JSON credentials to /auth/local (200 {"jwt":…,"user":…}), then fetches /api/me without Authorization',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        await ensureOn(page, server.origin);
        const login = await pageFetch(page, { url: '/auth/local', method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(USER) });
        if (login.status !== 200) throw new Error(`login: ${login.status} ${login.body}`);
        const { status } = await pageFetch(page, { url: '/api/me' });
        if (status !== 401) throw new Error(`/api/me: expected 401, got ${status}`);
      },
      expect: [
        { url: '/auth/local', method: 'POST', status: 200, top: null },
        { url: '/api/me', method: 'GET', status: 401, top: 'pattern.after_login', absent: ['token.audience_mismatch', 'pattern.env_mismatch'] },
      ],
      why: 'The login succeeded and returned a token under "jwt" (the Strapi convention); the API call right after carries no Authorization, so express-jwt throws credentials_required, 401. The token from the login was not attached.',
      serverSaid: 'login 200 {"jwt":"<HS256 JWT>","user":{…}}; /api/me 401 {"error":"credentials_required","message":"No authorization token was found"}, no WWW-Authenticate; log: UnauthorizedError [credentials_required]: No authorization token was found',
    },
    meScenario(
      'wrong-audience',
      'A token minted for another API (audience)',
      'The page fetches /api/me with a JWT whose aud is https://billing.authlens.test; the API expects https://api.authlens.test',
      (s) => `Bearer ${s.data.tokens.wrongAudience}`,
      { status: 401, top: 'token.audience_mismatch', absent: ['auth.missing', 'pattern.env_mismatch'] },
      'express-jwt passes audience to jsonwebtoken.verify, which throws JsonWebTokenError("jwt audience invalid. expected: https://api.authlens.test"); status 401 code invalid_token. The token is valid, for another audience.',
      '401 {"error":"invalid_token","message":"jwt audience invalid. expected: https://api.authlens.test"}; log: UnauthorizedError [invalid_token]: jwt audience invalid. expected: https://api.authlens.test (JsonWebTokenError)',
    ),
    meScenario(
      'wrong-issuer',
      'A token from an issuer the API does not trust',
      'The page fetches /api/me with a JWT whose iss is https://auth.authlens.test/tenants/other/; the API trusts https://auth.authlens.test/ only',
      (s) => `Bearer ${s.data.tokens.wrongIssuer}`,
      { status: 401, top: 'token.issuer_suspect', absent: ['auth.missing', 'token.audience_mismatch', 'pattern.env_mismatch'] },
      'jsonwebtoken.verify with the issuer option throws JsonWebTokenError("jwt issuer invalid. expected: https://auth.authlens.test/"); 401 invalid_token. The server says in words that the issuer is wrong; token.issuer_suspect is the catalogue\'s issuer code (the server\'s message is the evidence, issue #11). jsonwebtoken checks the signature, nbf, exp and aud before iss (verify.js), so the audience passed: no audience finding.',
      '401 {"error":"invalid_token","message":"jwt issuer invalid. expected: https://auth.authlens.test/"}; log: UnauthorizedError [invalid_token]: jwt issuer invalid. expected: https://auth.authlens.test/ (JsonWebTokenError)',
    ),
    meScenario(
      'rotated-key',
      'A token signed with the key used before a rotation',
      'The page fetches /api/me with a JWT signed with the previous HS256 secret (the app rotated its secret); claims are otherwise valid',
      (s) => `Bearer ${s.data.tokens.rotatedKey}`,
      { status: 401, top: 'token.rejected', absent: ['auth.missing', 'token.audience_mismatch', 'pattern.env_mismatch'] },
      'jsonwebtoken throws JsonWebTokenError("invalid signature"); 401 invalid_token. Nothing in the claims is wrong: the signature no longer verifies (rotated key), which is token.rejected.',
      '401 {"error":"invalid_token","message":"invalid signature"}; log: UnauthorizedError [invalid_token]: invalid signature (JsonWebTokenError)',
    ),
    meScenario(
      'refresh-as-access',
      'A refresh token sent as the access token',
      'The page fetches /api/me with the app\'s refresh token (a JWT with token_type "refresh", signed with the refresh secret, as the ACCESS_/REFRESH_TOKEN_SECRET convention does)',
      (s) => `Bearer ${s.data.tokens.refresh}`,
      { status: 401, top: 'token.refresh_token_as_access', absent: ['auth.missing', 'token.audience_mismatch', 'pattern.env_mismatch'] },
      'The refresh token is signed with REFRESH_TOKEN_SECRET, so express-jwt (secret: the access secret) gets JsonWebTokenError("invalid signature"); 401 invalid_token. The cause is the token kind: its claims say token_type "refresh" (the djangorestframework-simplejwt / Node tutorial convention).',
      '401 {"error":"invalid_token","message":"invalid signature"}; log: UnauthorizedError [invalid_token]: invalid signature (JsonWebTokenError)',
    ),
    meScenario(
      'bearer-undefined',
      '`Bearer undefined`: the app sent a variable that was never set',
      'The page fetches /api/me with Authorization: Bearer undefined (a template with an unset token variable)',
      () => 'Bearer undefined',
      { status: 401, top: 'auth.malformed', absent: ['auth.missing', 'pattern.env_mismatch'] },
      'express-jwt takes "undefined" as the token; jsonwebtoken.decode returns null and express-jwt throws UnauthorizedError("invalid_token", "jwt malformed"); 401. The header is a client placeholder.',
      '401 {"error":"invalid_token","message":"jwt malformed"}; log: UnauthorizedError [invalid_token]: jwt malformed',
    ),
    meScenario(
      'jwt-scheme',
      'A valid token sent with the scheme "JWT" instead of "Bearer"',
      'The page fetches /api/me with Authorization: JWT <a valid token> (passport-jwt\'s old fromAuthHeader() convention)',
      (s) => `JWT ${s.data.tokens.valid}`,
      { status: 401, top: 'auth.scheme_mismatch', absent: ['auth.missing', 'token.audience_mismatch', 'pattern.env_mismatch'] },
      'express-jwt reads only "Bearer <token>": another scheme throws UnauthorizedError("credentials_bad_scheme", "Format is Authorization: Bearer [token]") (credentialsRequired), answered 401. The token is fine; the scheme is wrong, and the server says which one it wants.',
      '401 {"error":"credentials_bad_scheme","message":"Format is Authorization: Bearer [token]"}, no WWW-Authenticate; log: UnauthorizedError [credentials_bad_scheme]: Format is Authorization: Bearer [token]',
    ),
    meScenario(
      'not-yet-valid',
      'A token that is not valid yet (nbf in 1 h)',
      'The page fetches /api/me with a JWT whose nbf is an hour after now',
      (s) => `Bearer ${s.data.tokens.notYetValid}`,
      { status: 401, top: 'token.not_yet_valid', absent: ['auth.missing', 'token.audience_mismatch', 'pattern.env_mismatch'] },
      'jsonwebtoken throws NotBeforeError("jwt not active") when nbf is after its clock; 401 invalid_token.',
      '401 {"error":"invalid_token","message":"jwt not active"}; log: UnauthorizedError [invalid_token]: jwt not active (NotBeforeError)',
    ),
  ],
};
