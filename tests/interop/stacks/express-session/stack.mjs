// @ts-check
// Express 5 with express-session 1 (MemoryStore) for a cookie-session web app, and
// Passport 0.7 with passport-http-bearer 1 for its Bearer API, as one app:
//   - /login (HTML form POST) signs in; /api/me answers from the session; /logout follows
//     express-session's README (user = null, save, regenerate, redirect);
//   - /account/login is the sign-in page of the SPA: it keeps its own session cookie
//     (CSRF state, Path=/account); /api/auth/login/ (JSON) answers a token under
//     {"data":{"accessToken":…}}; /api/v2/* wants it as `Authorization: Bearer`.
// The session cookie lives 3 s (cookie.maxAge) so that expiry can be shown in a test.
// Every secret is a canary.
import { randomBytes } from 'node:crypto';

import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';

import { ensureOn, listen, pageFetch, pkgVersion, serverLog, sleep } from '../express-jwt/support.mjs';

const USER = { email: 'ada@authlens.test', password: 'canary-password-ada-0001', name: 'Ada' };
const MAX_AGE_MS = 3000;

/** @param {string} body */
const html = (body) => `<!doctype html><meta charset="utf-8"><title>session app</title>${body}`;

/**
 * Signs in through the HTML form, as a user would: /login, type, submit, land on /app.
 * @param {import('puppeteer-core').Page} page
 * @param {string} origin
 */
async function formLogin(page, origin) {
  await page.goto(`${origin}/login`);
  await page.type('input[name=email]', USER.email);
  await page.type('input[name=password]', USER.password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  if (!page.url().endsWith('/app')) throw new Error(`form login did not land on /app: ${page.url()}`);
}

/**
 * @param {{status: number | string}} got
 * @param {number} want
 * @param {string} what
 */
function check(got, want, what) {
  if (got.status !== want) throw new Error(`${what}: expected ${want}, the server answered ${got.status}`);
}

/** @type {import('../../support/types.mjs').Stack} */
export default {
  id: 'express-session',
  title: 'Express 5 + express-session 1 (cookie login) and passport-http-bearer 1 (its API)',
  /** @returns {Promise<import('../../support/types.mjs').Server>} */
  async start() {
    const log = serverLog();
    /** @type {Map<string, string>} opaque access token -> user email */
    const accessTokens = new Map();
    const passport = new Passport();
    const app = express();
    app.use((req, res, next) => {
      res.on('finish', () => log.log(`${req.method} ${req.originalUrl} ${res.statusCode}`));
      next();
    });
    app.use(express.urlencoded({ extended: false }));
    app.use(express.json());
    app.get('/favicon.ico', (_req, res) => {
      res.status(204).end();
    });

    // The SPA's sign-in page keeps its own session (CSRF state), scoped to /account.
    app.use(
      '/account',
      session({
        name: 'account.sid',
        secret: 'canary-account-session-secret-0001',
        resave: false,
        saveUninitialized: true,
        cookie: { path: '/account', httpOnly: true, sameSite: 'lax' },
      }),
    );
    app.get('/account/login', (req, res) => {
      const s = /** @type {any} */ (req.session);
      s.csrf ??= randomBytes(12).toString('hex');
      res.type('html').send(html(`<h1>Sign in</h1><form id="login"><input type="hidden" name="csrf" value="${s.csrf}"><input name="email"><input name="password" type="password"><button>Sign in</button></form>`));
    });

    // The web app's cookie session.
    app.use(
      session({
        secret: 'canary-web-session-secret-0001',
        resave: false,
        saveUninitialized: false,
        cookie: { maxAge: MAX_AGE_MS, httpOnly: true, sameSite: 'lax' },
      }),
    );
    app.get('/', (_req, res) => {
      res.type('html').send(html('<h1>session app</h1><a href="/login">Sign in</a>'));
    });
    app.get('/login', (_req, res) => {
      res.type('html').send(html('<h1>Sign in</h1><form method="post" action="/login"><input name="email"><input name="password" type="password"><button type="submit">Sign in</button></form>'));
    });
    app.post('/login', (req, res, next) => {
      if (req.body.email !== USER.email || req.body.password !== USER.password) {
        log.log(`login refused for ${req.body.email}`);
        res.status(401).type('html').send(html('<p>Wrong e-mail or password</p>'));
        return;
      }
      // express-session's README: regenerate the session on login (session fixation).
      req.session.regenerate((err) => {
        if (err) return next(err);
        /** @type {any} */ (req.session).user = USER.email;
        req.session.save((e) => (e ? next(e) : res.redirect('/app')));
      });
    });
    app.get('/app', (req, res) => {
      const user = /** @type {any} */ (req.session).user;
      if (!user) return res.redirect('/login');
      res.type('html').send(html(`<h1>Signed in as ${user}</h1><form method="post" action="/logout"><button type="submit">Sign out</button></form>`));
    });
    // express-session's README ("User login"): clear the user, save, regenerate, redirect.
    app.post('/logout', (req, res, next) => {
      /** @type {any} */ (req.session).user = null;
      req.session.save((err) => {
        if (err) return next(err);
        req.session.regenerate((e) => (e ? next(e) : res.redirect('/')));
      });
    });
    app.get('/api/me', (req, res) => {
      const user = /** @type {any} */ (req.session).user;
      if (!user) {
        log.log(`/api/me: no signed-in user in session ${req.sessionID} (cookie ${req.headers.cookie ? 'sent' : 'absent'})`);
        res.status(401).json({ error: 'not_authenticated', message: 'Please sign in' });
        return;
      }
      res.json({ user });
    });

    // The JSON login of the SPA, and its Bearer API.
    app.post('/api/auth/login/', (req, res) => {
      if (req.body?.email !== USER.email || req.body?.password !== USER.password) {
        res.status(401).json({ error: 'invalid_credentials' });
        return;
      }
      const token = `canary-at-${randomBytes(16).toString('hex')}`;
      accessTokens.set(token, USER.email);
      res.json({ data: { accessToken: token, tokenType: 'Bearer', expiresIn: 900 }, user: { email: USER.email, name: USER.name } });
    });
    passport.use(
      new BearerStrategy((token, done) => {
        const user = accessTokens.get(token);
        if (!user) log.log('passport-http-bearer: unknown token');
        done(null, user ? { email: user } : false);
      }),
    );
    app.use(passport.initialize());
    app.use('/api/v2', (req, res, next) => {
      if (!req.headers.authorization) log.log(`passport-http-bearer: no token on ${req.method} ${req.originalUrl}`);
      next();
    });
    app.use('/api/v2', passport.authenticate('bearer', { session: false }));
    app.get('/api/v2/orders', (_req, res) => {
      res.json({ orders: [] });
    });

    const http = await listen(app);
    return {
      version: `express ${pkgVersion('express')}, express-session ${pkgVersion('express-session')}, passport ${pkgVersion('passport')}, passport-http-bearer ${pkgVersion('passport-http-bearer')}`,
      origin: http.origin,
      stop: http.stop,
      logs: log.text,
    };
  },
  scenarios: [
    {
      id: 'session-valid',
      title: 'Signed in with the form, then the API (healthy control)',
      did: 'The user signs in through the HTML form (POST /login, 302 to /app with the session cookie); the page fetches /api/me at once',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {{origin: string}} server
       */
      async run(page, server) {
        await formLogin(page, server.origin);
        check(await pageFetch(page, { url: '/api/me' }), 200, '/api/me');
      },
      expect: [{ url: '/api/me', method: 'GET', status: 200, top: null }],
      why: 'The session cookie (connect.sid, 3 s) is sent and the session holds the user: 200. A healthy exchange gets no finding.',
      serverSaid: '200 {"user":"ada@authlens.test"}',
    },
    {
      id: 'session-expired',
      title: 'The session cookie expired (cookie.maxAge)',
      did: 'The user signs in through the form (Set-Cookie connect.sid with Expires 3 s later), waits 4 s, then the page fetches /api/me',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {{origin: string}} server
       */
      async run(page, server) {
        await formLogin(page, server.origin);
        await sleep(MAX_AGE_MS + 1000);
        check(await pageFetch(page, { url: '/api/me' }), 401, '/api/me');
      },
      expect: [{ url: '/api/me', method: 'GET', status: 401, top: 'session.cookie_expired', absent: ['session.cookie_not_sent', 'token.expired'] }],
      why: 'express-session sets the cookie with Expires = now + cookie.maxAge (3 s); once it passed, the browser stops sending it (RFC 6265 §5.3), the request carries no cookie, a new empty session is made and the app answers 401.',
      serverSaid: '401 {"error":"not_authenticated","message":"Please sign in"}, no WWW-Authenticate; log: /api/me: no signed-in user in session … (cookie absent)',
    },
    {
      id: 'after-logout',
      title: 'Signed out, then the API',
      did: 'The user signs in through the form, clicks "Sign out" (POST /logout: the express-session README logout, 302 to / with a new connect.sid), then the page fetches /api/me',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {{origin: string}} server
       */
      async run(page, server) {
        await formLogin(page, server.origin);
        await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
        check(await pageFetch(page, { url: '/api/me' }), 401, '/api/me');
      },
      expect: [{ url: '/api/me', method: 'GET', status: 401, top: 'session.rejected', absent: ['session.cookie_not_sent', 'session.cookie_expired', 'auth.scheme_mismatch', 'auth.missing'] }],
      revised: "first auth.missing (then the only code for \"not signed in\"); session.rejected is the catalogue's code for a cookie session whose cookie arrives and holds no signed-in user, with cookie advice instead of Authorization advice (issue #11: a cookie-session 401 gets no Bearer advice).",
      why: 'The README logout sets user = null, saves, and regenerates: the old session is destroyed in the store and the 302 sets a fresh connect.sid for a new, empty session. The browser sends that cookie, and the session holds no user: the request carries no credentials that sign anyone in ("not signed in", sign in again). Nothing was withheld by the browser and no cookie expired; a cookie session gets no Bearer advice. The catalogue names this session.rejected (the session cookie was sent, the server holds no signed-in session for it), whose advice is to sign in again.',
      serverSaid: '401 {"error":"not_authenticated","message":"Please sign in"}, no WWW-Authenticate; log: /api/me: no signed-in user in session … (cookie sent)',
    },
    {
      id: 'login-token-not-used',
      title: 'The JSON login answered a token the app did not send',
      did: 'The SPA POSTs JSON credentials to /api/auth/login/ (200 {"data":{"accessToken":…,"expiresIn":900}}), then fetches /api/v2/orders without Authorization',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {{origin: string}} server
       */
      async run(page, server) {
        await ensureOn(page, server.origin);
        const login = await pageFetch(page, { url: '/api/auth/login/', method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: USER.email, password: USER.password }) });
        check(login, 200, 'login');
        check(await pageFetch(page, { url: '/api/v2/orders' }), 401, '/api/v2/orders');
      },
      expect: [
        { url: '/api/auth/login/', method: 'POST', status: 200, top: null },
        { url: '/api/v2/orders', method: 'GET', status: 401, top: 'pattern.after_login' },
      ],
      why: 'The login succeeded and returned an access token under data.accessToken; the next API call carries no Authorization, so passport-http-bearer fails with its challenge (Bearer realm="Users") and Passport answers 401 "Unauthorized". The token from the login was not attached.',
      serverSaid: '401 "Unauthorized", WWW-Authenticate: Bearer realm="Users"; log: passport-http-bearer: no token on GET /api/v2/orders',
    },
    {
      id: 'bearer-api-with-page-cookies',
      title: 'A Bearer API called from the sign-in page, which has its own session cookie',
      did: 'The page opens /account/login (Set-Cookie account.sid; Path=/account, its CSRF session), then fetches /api/v2/orders without Authorization',
      /**
       * @param {import('puppeteer-core').Page} page
       * @param {{origin: string}} server
       */
      async run(page, server) {
        await page.goto(`${server.origin}/account/login`);
        check(await pageFetch(page, { url: '/api/v2/orders' }), 401, '/api/v2/orders');
      },
      expect: [{ url: '/api/v2/orders', method: 'GET', status: 401, top: 'auth.missing', absent: ['session.cookie_not_sent'] }],
      why: 'The API authenticates with Bearer only (its challenge says so); the request has no Authorization, so passport-http-bearer fails: "not signed in". The sign-in page\'s account.sid (Path=/account) is rightly not sent to /api/v2 and plays no part in the API\'s credentials.',
      serverSaid: '401 "Unauthorized", WWW-Authenticate: Bearer realm="Users"; log: passport-http-bearer: no token on GET /api/v2/orders',
    },
  ],
};
