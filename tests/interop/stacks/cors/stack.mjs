// @ts-check
// The `cors` middleware (expressjs/cors 2) in front of an authenticated Express 5 API on a
// second origin: the page is served from http://localhost:A, the API from
// http://localhost:B (cross-origin, same site: the classic SPA + API dev set-up).
//   /v1/*  misordered: passport-http-bearer runs before cors(), so it answers the
//          preflight too (401, no Access-Control-Allow-Origin);
//   /v2/*  cors({origin, credentials: true}) then an express-session cookie check;
//          /session/login (JSON) signs in and sets the session cookie;
//   /v3/*  cors({origin, allowedHeaders: ['Content-Type']}) then Bearer: Authorization is
//          not an allowed request header.
// Every secret is a canary.
import express from 'express';
import cors from 'cors';
import session from 'express-session';
import { Passport } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';

import { listen, pageFetch, pkgVersion, serverLog } from '../express-jwt/support.mjs';

const TOKEN = 'canary-cors-api-token-7f3a9c2e51b84d06';
const USER = { email: 'ada@authlens.test', password: 'canary-password-ada-0002' };

/**
 * @typedef {object} Data
 * @property {string} api the API's origin
 */

/**
 * Opens the page's own origin (the SPA), where its script runs.
 * @param {import('puppeteer-core').Page} page
 * @param {any} server
 */
async function openSpa(page, server) {
  await page.goto(`${server.origin}/`);
  return /** @type {Data} */ (server.data).api;
}

/**
 * @param {{status: number | string, body: string}} got
 * @param {number | string} want
 * @param {string} what
 */
function check(got, want, what) {
  if (got.status !== want) throw new Error(`${what}: expected ${want}, got ${got.status} ${got.body.slice(0, 200)}`);
}

/** @type {import('../../support/types.mjs').Stack} */
export default {
  id: 'cors',
  title: 'cors 2 (expressjs) in front of an authenticated Express 5 API on another origin',
  /** @returns {Promise<import('../../support/types.mjs').Server>} */
  async start() {
    const log = serverLog();
    const passport = new Passport();
    passport.use(
      new BearerStrategy((token, done) => {
        log.log(`passport-http-bearer: ${token === TOKEN ? 'valid' : 'unknown'} token`);
        done(null, token === TOKEN ? { email: USER.email } : false);
      }),
    );

    // The SPA's origin: only its HTML page.
    const spa = express();
    spa.get('/', (_req, res) => {
      res.type('html').send('<!doctype html><meta charset="utf-8"><title>SPA</title><h1>SPA</h1>');
    });
    spa.get('/favicon.ico', (_req, res) => {
      res.status(204).end();
    });
    const spaHttp = await listen(spa, 'localhost');
    const spaOrigin = spaHttp.origin;

    const api = express();
    api.use((req, res, next) => {
      res.on('finish', () => log.log(`${req.method} ${req.originalUrl} ${res.statusCode} (Origin: ${req.headers.origin ?? '-'}, Access-Control-Request-Headers: ${req.headers['access-control-request-headers'] ?? '-'}, Cookie: ${req.headers.cookie ? 'sent' : 'none'}, Authorization: ${req.headers.authorization ? 'sent' : 'none'})`));
      next();
    });
    api.use(passport.initialize());

    // v1: the auth middleware is mounted before cors(), so preflights meet it first.
    api.use('/v1', passport.authenticate('bearer', { session: false }), cors({ origin: spaOrigin }));
    api.get('/v1/profile', (_req, res) => {
      res.json({ email: USER.email });
    });

    // v2 and the login: cookie sessions across origins, credentials allowed.
    const withCredentials = cors({ origin: spaOrigin, credentials: true });
    const sessions = session({
      name: 'api.sid',
      secret: 'canary-cors-session-secret-0001',
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax' },
    });
    api.use('/session', withCredentials, express.json(), sessions);
    api.post('/session/login', (req, res) => {
      if (req.body?.email !== USER.email || req.body?.password !== USER.password) {
        res.status(401).json({ error: 'invalid_credentials' });
        return;
      }
      /** @type {any} */ (req.session).user = USER.email;
      res.json({ signedIn: true });
    });
    api.use('/v2', withCredentials, sessions);
    api.get('/v2/profile', (req, res) => {
      const user = /** @type {any} */ (req.session).user;
      if (!user) {
        log.log(`/v2/profile: no session (Cookie ${req.headers.cookie ? 'sent' : 'absent'})`);
        res.status(401).json({ error: 'not_authenticated', message: 'Please sign in' });
        return;
      }
      res.json({ email: user });
    });

    // v3: cors() allows Content-Type only, the API wants Authorization.
    api.use('/v3', cors({ origin: spaOrigin, allowedHeaders: ['Content-Type'] }), passport.authenticate('bearer', { session: false }));
    api.get('/v3/profile', (_req, res) => {
      res.json({ email: USER.email });
    });

    const apiHttp = await listen(api, 'localhost');
    return {
      version: `cors ${pkgVersion('cors')}, express ${pkgVersion('express')}, express-session ${pkgVersion('express-session')}, passport-http-bearer ${pkgVersion('passport-http-bearer')}`,
      origin: spaOrigin,
      data: /** @type {Data} */ ({ api: apiHttp.origin }),
      stop: async () => {
        await apiHttp.stop();
        await spaHttp.stop();
      },
      logs: log.text,
    };
  },
  scenarios: [
    {
      id: 'preflight-unauthorized',
      title: 'The auth middleware answers the CORS preflight (mounted before cors())',
      did: 'The SPA on localhost:A fetches localhost:B/v1/profile with Authorization: Bearer <valid token>; the browser sends an OPTIONS preflight first',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const api = await openSpa(page, server);
        check(await pageFetch(page, { url: `${api}/v1/profile`, headers: { Authorization: `Bearer ${TOKEN}` } }), 'error', 'fetch');
      },
      expect: [{ url: '/v1/profile', method: 'OPTIONS', status: 401, top: 'cors.preflight_unauthorized', absent: ['auth.missing', 'cors.credentials_not_included'] }],
      why: 'A preflight never carries credentials (Fetch §4.8); passport-http-bearer, mounted before cors(), finds no token in the OPTIONS request and fails with its challenge, Passport answers 401 without Access-Control-Allow-Origin, so the browser never sends the GET and fetch() rejects.',
      serverSaid: 'OPTIONS → 401 "Unauthorized", WWW-Authenticate: Bearer realm="Users", no Access-Control-Allow-*; log: OPTIONS /v1/profile 401 (Authorization: none)',
    },
    {
      id: 'credentials-omitted',
      title: 'Signed in, but the API call leaves out credentials: "include"',
      did: 'The SPA signs in with fetch(localhost:B/session/login, {credentials: "include"}) (Set-Cookie api.sid), then fetches localhost:B/v2/profile with an X-Requested-With header and without credentials: "include"',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const api = await openSpa(page, server);
        check(await pageFetch(page, { url: `${api}/session/login`, method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(USER) }), 200, 'login');
        check(await pageFetch(page, { url: `${api}/v2/profile`, headers: { 'X-Requested-With': 'fetch' } }), 401, 'profile');
      },
      expect: [
        { url: '/v2/profile', method: 'OPTIONS', status: 204, top: null, absent: ['auth.missing', 'cors.credentials_not_included'] },
        { url: '/v2/profile', method: 'GET', status: 401, top: 'cors.credentials_not_included' },
      ],
      why: 'cors() answers the preflight 204 with Access-Control-Allow-Credentials: true; the GET is cross-origin in the default credentials mode "same-origin", so the browser leaves out the api.sid cookie it holds for localhost (Fetch, credentials mode); express-session finds no session and the app answers 401. The preflight is not an auth failure.',
      serverSaid: 'OPTIONS → 204 with Access-Control-Allow-Origin and -Credentials; GET → 401 {"error":"not_authenticated","message":"Please sign in"}, no WWW-Authenticate; log: /v2/profile: no session (Cookie absent)',
    },
    {
      id: 'credentials-included',
      title: 'Signed in, and the API call includes credentials (healthy control)',
      did: 'As credentials-omitted, but the profile fetch passes credentials: "include"',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const api = await openSpa(page, server);
        check(await pageFetch(page, { url: `${api}/session/login`, method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(USER) }), 200, 'login');
        check(await pageFetch(page, { url: `${api}/v2/profile`, credentials: 'include', headers: { 'X-Requested-With': 'fetch' } }), 200, 'profile');
      },
      expect: [
        { url: '/v2/profile', method: 'OPTIONS', status: 204, top: null },
        { url: '/v2/profile', method: 'GET', status: 200, top: null },
      ],
      why: 'The cookie is sent (same site, credentials "include") and cors() allows credentials: 200. Healthy exchanges get no finding.',
      serverSaid: 'OPTIONS → 204; GET → 200 {"email":"ada@authlens.test"}',
    },
    {
      id: 'authorization-not-allowed',
      title: 'Access-Control-Allow-Headers does not list Authorization',
      did: 'The SPA fetches localhost:B/v3/profile with Authorization: Bearer <valid token>; cors() is configured with allowedHeaders: ["Content-Type"]',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {any} server
       */
      async run(page, server) {
        const api = await openSpa(page, server);
        check(await pageFetch(page, { url: `${api}/v3/profile`, headers: { Authorization: `Bearer ${TOKEN}` } }), 'error', 'fetch');
      },
      expect: [{ url: '/v3/profile', method: 'OPTIONS', status: 204, top: null, absent: ['auth.missing', 'cors.credentials_not_included'] }],
      why: 'cors() answers the preflight 204 with Access-Control-Allow-Headers: Content-Type; Authorization is not in it, so the browser fails the CORS check and never sends the GET (fetch() rejects; the server logs only the OPTIONS). There is no auth failure on the wire: the catalogue has no code for "request header not allowed by the preflight" (the lead may add one; the console says it). A successful preflight must get no finding.',
      serverSaid: 'OPTIONS → 204, Access-Control-Allow-Origin: http://localhost:A, Access-Control-Allow-Headers: Content-Type; no GET reached the server',
    },
  ],
};
