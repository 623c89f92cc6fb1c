// Shared by the popup suites (Chromium and Firefox): canary secrets planted in lab
// traffic, and what the popup shows on screen.

/** A JWT whose signature, and the whole token, are canaries (its claims may be shown). */
const CANARY_JWT = [
  Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url'),
  Buffer.from(JSON.stringify({ exp: 1_700_000_000, sub: 'canary-user' })).toString('base64url'),
  'Q2FuYXJ5U2lnbmF0dXJlLTRmOGEyYzlkN2UxYjNmNQ',
].join('.');
const CANARY_COOKIE = 'canary-cookie-value-5c8e1f0a9b';
const CANARY_PASSWORD = 'canary-password-9d4b7a31e2';
const CANARY_BASIC = Buffer.from(`lab-user:${CANARY_PASSWORD}`).toString('base64');
const CANARY_QUERY = 'canary-query-token-3e7d5a8c61';

/** Every planted secret: none may reach the screen, a report or a storage area. */
export const CANARIES = [CANARY_JWT, CANARY_JWT.split('.')[2], CANARY_COOKIE, CANARY_PASSWORD, CANARY_BASIC, CANARY_QUERY];

/** How many failed requests `plantCanaries` makes. */
export const CANARY_REQUESTS = 4;

/**
 * Makes failing requests from the lab page that carry the canaries: a JWT in
 * Authorization, a cookie, a Basic password, and a token in the query string. Basic
 * answers 401 with a Basic challenge: the browser's own prompt must be cancelled by the
 * caller where it would wait (Chromium: cancelHttpAuthPrompts).
 * @param {import('puppeteer-core').Page} page the lab index page
 */
export async function plantCanaries(page) {
  const statuses = await page.evaluate(
    async (jwt, cookie, basic, query) => {
      document.cookie = `canary_sid=${cookie}; Path=/`;
      const get = (/** @type {string} */ path, /** @type {Record<string, string>} */ headers = {}) =>
        fetch(path, { headers }).then((r) => r.status);
      return [
        await get('/api/bearer/invalid-token', { Authorization: `Bearer ${jwt}` }),
        await get('/api/session/ended'),
        await get('/api/basic', { Authorization: `Basic ${basic}` }),
        await get(`/api/bearer/invalid-token?access_token=${query}`),
      ];
    },
    CANARY_JWT,
    CANARY_COOKIE,
    CANARY_BASIC,
    CANARY_QUERY,
  );
  if (statuses.some((s) => s !== 401)) throw new Error(`the canary requests should fail with 401: ${statuses.join(', ')}`);
}

/**
 * The text a person sees in the popup: `innerText` leaves out what is not rendered
 * (closed <details>, hidden elements).
 * @param {import('puppeteer-core').Page} page
 */
export function visibleText(page) {
  return page.evaluate(() => document.querySelector('main')?.innerText ?? '');
}
