// The self-help page (www/, issue #15) in headless Chromium, served by a real `authlens
// lab` at /help/: every input kind gets its verdict, a dropped HAR its top causes, the
// downloads hold no planted secret, hostile input stays text, no console error and no
// request off the page, phone and desktop layouts, keyboard, dark theme, offline.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

import { root, startLab } from './support/lab.mjs';
import { assertNoSecret } from './support/labpage.mjs';

/** @type {Awaited<ReturnType<typeof startLab>>} */
let lab;
/** @type {import('puppeteer-core').Browser} */
let browser;
/** @type {import('puppeteer-core').Page} */
let page;
/** Every console error and uncaught exception, from every page of this file. */
const errors = /** @type {string[]} */ ([]);
/** Every request the page made after it was ready. */
const requests = /** @type {string[]} */ ([]);
let help = '';

/** A JWT with these claims (unsigned here: the page never verifies, it reads). */
function jwt(/** @type {object} */ claims, signature = 'c2lnbmF0dXJlLWNhbmFyeS1udW1iZXItb25l') {
  const part = (/** @type {object} */ o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${part(claims)}.${signature}`;
}
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  lab = await startLab();
  help = new URL('/help/', lab.url).href;
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/lib/chromium/chromium',
    headless: true,
    pipe: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  await page.goto(help);
  await page.waitForSelector('body[data-ready]');
  page.on('request', (r) => requests.push(r.url()));
});

after(async () => {
  await browser?.close();
  await lab?.stop();
});

/** Replaces the input's text as a paste would, and waits for the page to say what it got. */
async function paste(/** @type {string} */ text) {
  await page.$eval('#input', (el, value) => {
    const area = /** @type {HTMLTextAreaElement} */ (el);
    area.value = value;
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
  return page.evaluate(() => ({
    kind: document.getElementById('detected')?.dataset.kind ?? '',
    detected: document.getElementById('detected')?.textContent ?? '',
    tone: document.getElementById('verdict')?.dataset.tone ?? '',
    code: document.getElementById('verdict')?.dataset.code ?? '',
    headline: document.querySelector('#verdict .headline')?.textContent ?? '',
    text: document.getElementById('result')?.textContent ?? '',
  }));
}

/** @param {'plain' | 'developer'} view */
async function view(view) {
  await page.click(`#view-${view}`);
  await page.waitForSelector(`body[data-view="${view}"]`);
}

test('each input kind is detected and gets its verdict in plain words', async () => {
  const signature = 'c2lnbmF0dXJlLWNhbmFyeS1udW1iZXItb25l';
  const expired = jwt({ sub: 'u1', aud: 'api', exp: now() - 7200, iat: now() - 10800 }, signature);
  let got = await paste(expired);
  assert.equal(got.kind, 'jwt');
  assert.match(got.detected, /JSON Web Token/);
  assert.deepEqual([got.tone, got.code], ['bad', 'token.expired']);
  assert.match(got.headline, /^Your token expired 2 hours ago\.$/);
  // Developer detail: the header and payload panes with copy buttons; no signature shown.
  await view('developer');
  const panes = await page.evaluate(() => ({
    header: JSON.parse(document.getElementById('jwt-header')?.textContent ?? 'null'),
    payload: JSON.parse(document.getElementById('jwt-payload')?.textContent ?? 'null'),
    copies: document.querySelectorAll('#developer .pane button.copy').length,
    text: document.body.textContent ?? '',
  }));
  assert.deepEqual(panes.header, { alg: 'RS256', typ: 'JWT', kid: 'k1' });
  assert.equal(panes.payload.sub, 'u1');
  assert.equal(panes.copies, 2);
  assert.ok(!panes.text.includes(signature), 'the signature is never shown');
  await view('plain');

  got = await paste('Bearer Bearer undefined');
  assert.deepEqual([got.kind, got.tone, got.code], ['authorization', 'bad', 'auth.malformed']);
  await view('developer');
  assert.ok(await page.$('#developer [data-defect="doubled_scheme"]'), 'the defect is shown at its position');
  await view('plain');

  got = await paste('WWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="The access token expired"');
  assert.equal(got.kind, 'challenge');
  assert.match(got.detected, /with its header name, WWW-Authenticate/);
  assert.equal(got.tone, 'bad');
  assert.match(got.headline, /^The server refused the token/);
  assert.match(got.text, /The access token expired/);
  const explained = await page.$eval('#developer tr[data-param="error"] td:last-child', (td) => td.textContent);
  assert.match(explained ?? '', /Why the token was refused/, 'each parameter is explained (the panel\'s text)');

  got = await paste('Basic realm="corp"');
  assert.deepEqual([got.kind, got.tone], ['challenge', 'info']);
  assert.match(got.headline, /asks for a user name and password for "corp"/);
  got = await paste('Proxy-Authenticate: Negotiate');
  assert.equal(got.kind, 'challenge');
  assert.match(got.headline, /^A proxy on your network wants Windows/);

  got = await paste('Set-Cookie: sid=SETCOOKIECANARY123456; Path=/; Max-Age=0; HttpOnly');
  assert.deepEqual([got.kind, got.tone], ['set-cookie', 'warn']);
  assert.match(got.headline, /signs you out: it deletes the cookie "sid"/);
  got = await paste('sid=SETCOOKIECANARY123456; SameSite=None; Path=/');
  assert.deepEqual([got.kind, got.tone], ['set-cookie', 'bad'], 'SameSite=None without Secure is refused');
  assert.ok(!(await page.evaluate(() => document.body.textContent ?? '')).includes('SETCOOKIECANARY123456'), 'cookie values stay masked');

  // curl -i with its command line: the request comes from -H.
  got = await paste(`$ curl -i -H 'Authorization: Bearer ${expired}' https://api.example/v1/me\nHTTP/2 401 \ndate: ${new Date().toUTCString()}\nwww-authenticate: Bearer error="invalid_token"\n\n{"detail":"Signature has expired"}`);
  assert.equal(got.kind, 'transcript');
  assert.deepEqual([got.tone, got.code], ['bad', 'token.expired']);
  assert.match(got.headline, /^Your token had expired: it ran out 2 h before the request/);

  // curl -v: request and response become one exchange, diagnosed as the panel would.
  const verbose = [
    '* Connected to api.example (203.0.113.7) port 443', '* SSL connection using TLSv1.3',
    '> GET /v1/orders HTTP/2', '> Host: api.example', '> Authorization: Bearer undefined', '>',
    '< HTTP/2 401 ', '< www-authenticate: Bearer realm="orders"', '<', '{"message":"Unauthorized"}',
  ].join('\n');
  got = await paste(verbose);
  assert.deepEqual([got.kind, got.code], ['transcript', 'auth.malformed']);
  assert.equal(got.detected, 'Got an HTTP transcript: curl -v output, the request and its response, read as one exchange.');
  await view('developer');
  assert.equal(await page.$eval('.exchange-line', (e) => e.textContent), 'GET https://api.example/v1/orders → 401');
  await view('plain');

  // A raw request and response, with a broken header line pointed at by position.
  got = await paste('GET /admin HTTP/1.1\nHost: shop.example\nCookie: session=RAWCOOKIECANARY0001\n\nHTTP/1.1 403 Forbidden\nContent-Type text/html\n\n');
  assert.equal(got.kind, 'transcript');
  // The core's own ranking: a session cookie sent over plain http comes first.
  assert.equal(got.code, 'transport.insecure_credentials');
  await view('developer');
  assert.ok(await page.$('#developer .finding-card[data-code="status.forbidden"]'));
  const problem = await page.$eval('#developer .problem[data-offset]', (p) => [p.getAttribute('data-offset'), p.textContent]);
  assert.equal(problem[0], String('GET /admin HTTP/1.1\nHost: shop.example\nCookie: session=RAWCOOKIECANARY0001\n\nHTTP/1.1 403 Forbidden\n'.length));
  assert.match(problem[1] ?? '', /^Error at line 6, column 1: not a header line/);
  assert.ok(!(await page.evaluate(() => document.body.textContent ?? '')).includes('RAWCOOKIECANARY0001'), 'a cookie line shown under a problem is masked');
  await view('plain');

  got = await paste('hello, my login does not work');
  assert.deepEqual([got.kind, got.tone], ['unknown', 'info']);
});

test('a HAR dropped on the page shows its top causes, and the downloads hold no planted secret', async () => {
  const har = readFileSync(join(root, 'tests', 'fixtures', 'har', 'firefox', 'lab-session.har'), 'utf8');
  // lab-session.har was recorded against the lab: its credentials are the lab's canaries.
  assert.ok(lab.secrets.some((s) => har.includes(s)), 'the fixture carries planted secrets');
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'lab-session.har', { type: 'application/json' }));
    document.querySelector('#guide')?.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, har);
  await page.waitForSelector('#top-causes li[data-code]');
  const causes = await page.$$eval('#top-causes li[data-code]', (items) => items.map((i) => i.getAttribute('data-code')));
  // The recorded session: an expired token, a request without credentials, a session
  // the server cleared, a 401 right after signing in, a 403 (tests/e2e/chromium.test.mjs).
  assert.deepEqual([...causes].sort(), ['auth.missing', 'pattern.after_login', 'session.cleared_by_server', 'status.forbidden', 'token.expired']);
  assert.equal(await page.$eval('#verdict', (v) => v.getAttribute('data-tone')), 'bad');
  // Each cause links to its section of the guide, whose text comes from the core.
  const link = await page.$eval('#top-causes li[data-code="token.expired"] a', (a) => a.getAttribute('href'));
  assert.equal(link, '#finding-token-expired');
  assert.match(await page.$eval('#finding-token-expired', (a) => a.textContent ?? ''), /Your sign-in has expired/);
  await view('developer');
  assert.ok(await page.$('#developer details.group[data-code="token.expired"]'), 'failures grouped by cause');
  assert.match(await page.$eval('#timeline .began', (p) => p.textContent ?? ''), /^The first failure was at /);
  // The HAR views on a phone: no sideways scrolling (screenshots to look at).
  const shots = join(root, 'target', 'screenshots');
  mkdirSync(shots, { recursive: true });
  await page.setViewport({ width: 360, height: 1200 });
  for (const v of /** @type {const} */ (['developer', 'plain'])) {
    await view(v);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, `HAR ${v} view at 360 px`);
    await page.evaluate(() => document.getElementById('result')?.scrollIntoView());
    await page.screenshot({ path: join(shots, `www-phone-har-${v}.png`) });
  }
  await page.setViewport({ width: 800, height: 600 });
  assertNoSecret(await page.evaluate(() => document.body.textContent ?? ''), lab.secrets, 'the HAR diagnosis');

  const dir = mkdtempSync(join(tmpdir(), 'authlens-www-'));
  const cdp = await page.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir, eventsEnabled: true });
  for (const button of ['sanitize', 'markdown']) {
    const done = new Promise((resolve) => {
      cdp.on('Browser.downloadProgress', (e) => { if (e.state === 'completed') resolve(e); });
    });
    await page.click(`#plain button[data-action="${button}"]`);
    await done;
  }
  const files = readdirSync(dir).sort();
  assert.deepEqual(files, ['lab-session-report.md', 'lab-session-sanitized.har']);
  const sanitized = readFileSync(join(dir, 'lab-session-sanitized.har'), 'utf8');
  const report = readFileSync(join(dir, 'lab-session-report.md'), 'utf8');
  assert.ok(JSON.parse(sanitized).log.entries.length > 0 && sanitized.includes('redacted-'));
  assert.match(report, /token\.expired/);
  assertNoSecret(sanitized, lab.secrets, 'the sanitized HAR download');
  assertNoSecret(report, lab.secrets, 'the Markdown report download');
});

test('a dropped HAR with a broken sign-in flow shows the flow timeline, the broken step and its finding', async () => {
  // Recorded from the lab by tools/record-lab-har.mjs: authorize, callback, then a token
  // request whose code_verifier does not match the code_challenge.
  const har = readFileSync(join(root, 'tests', 'fixtures', 'har', 'lab', 'flow-pkce-failed.har'), 'utf8');
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'flow-pkce-failed.har', { type: 'application/json' }));
    document.querySelector('#guide')?.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, har);
  await page.waitForSelector('#sign-in-flows .flow-view');
  assert.match(await page.$eval('#plain .flow-note', (p) => p.textContent ?? ''), /A sign-in broke while recording: The code_verifier does not match the code_challenge/);
  await view('developer');
  const steps = await page.$$eval('#sign-in-flows .flow-step', (items) => items.map((i) => [i.getAttribute('data-kind'), i.getAttribute('data-finding'), i.classList.contains('flow-step-broken')]));
  assert.deepEqual(steps, [['authorize', null, false], ['callback', null, false], ['token', 'oauth.pkce_failed', true]]);
  assert.equal(await page.$eval('#sign-in-flows .flow-broken', (p) => p.getAttribute('data-code')), 'oauth.pkce_failed');
  assert.match(await page.$eval('#sign-in-flows .flow-view h3', (h) => h.textContent ?? ''), /lab-app/);
  // The broken step's finding in full, as the core words it (S256 of the verifier shown).
  const card = await page.$eval('#sign-in-flows .flow-finding [data-code="oauth.pkce_failed"]', (c) => c.textContent ?? '');
  assert.match(card, /code_verifier/);
  // The broken step's URL is there, never a code or the verifier.
  assert.match(await page.$eval('#sign-in-flows .flow-step[data-finding] .flow-step-url', (c) => c.textContent ?? ''), /\/as\/token$/);
  assertNoSecret(await page.content(), ['lab-another-verifier-that-does-not-match-it', 'lab-app-client-secret'], 'the flow view');
  await view('plain');
});

test('a wrong file gets a human sentence with the technical detail under it', async () => {
  const input = /** @type {import('puppeteer-core').ElementHandle<HTMLInputElement>} */ (await page.$('#har-input'));
  await input.uploadFile(join(root, 'extension', 'icons', 'icon-16.png'));
  await page.waitForSelector('#result[data-kind="wrong-file"]');
  const shown = await page.evaluate(() => ({
    headline: document.querySelector('#verdict .headline')?.textContent,
    technical: document.querySelector('#plain .technical-text')?.textContent ?? '',
  }));
  assert.equal(shown.headline, 'This file is not a HAR file AuthLens can read.');
  assert.match(shown.technical, /byte \d+/, 'the core\'s precise words, under the sentence');
});

test('hostile input renders as text and runs nothing', async () => {
  const hostile = '<img src=x onerror="document.body.dataset.pwned=1"><script>document.body.dataset.pwned=2</script>';
  for (const [text, echoed] of /** @type {[string, boolean][]} */ ([
    [`WWW-Authenticate: Bearer realm="${hostile.replaceAll('"', "'")}", error="${hostile.replaceAll('"', "'")}"`, true],
    [`Bearer ${hostile}`, true],
    [`HTTP/1.1 401 ${hostile}\nWWW-Authenticate: ${hostile}\n\n${hostile}`, false],
    [`Set-Cookie: a=${hostile}; Path=/; Secure`, false],
  ])) {
    await paste(text);
    await view('developer');
    if (echoed) assert.match(await page.$eval('#result', (r) => r.textContent ?? ''), /<img/, 'shown as the text it is');
    await view('plain');
    const state = await page.evaluate(() => ({
      pwned: document.body.dataset.pwned ?? null,
      images: document.querySelectorAll('main img, #result img').length,
      scripts: [...document.querySelectorAll('script')].filter((s) => !s.src).length,
    }));
    assert.deepEqual(state, { pwned: null, images: 0, scripts: 0 }, text);
  }
});

test('phone and desktop layouts, keyboard use, and the dark theme', async () => {
  await paste(`$ curl -i https://api.example/v1/a-very-long-path-without-any-break-at-all-${'x'.repeat(80)}\nHTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="${'long '.repeat(30)}"\n\n`);
  const shots = join(root, 'target', 'screenshots');
  mkdirSync(shots, { recursive: true });
  for (const [name, width] of /** @type {const} */ ([['phone', 360], ['desktop', 1280]])) {
    await page.setViewport({ width, height: 800 });
    for (const v of /** @type {const} */ (['plain', 'developer'])) {
      await view(v);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, `no sideways scrolling at ${width} px (${v})`);
      await page.evaluate(() => document.getElementById('result')?.scrollIntoView());
      await page.screenshot({ path: join(shots, `www-${name}-${v}.png`) });
    }
  }
  await view('plain');

  // Keyboard: the first Tab reaches the skip link, which leads to the input; the view
  // toggle works with the keyboard.
  await page.goto(help);
  await page.waitForSelector('body[data-ready]');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'input', 'the skip link leads to the input');
  // The next stop is the file picker, whose visible button shows the focus.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'har-input');
  assert.equal(await page.$eval('.file-button', (b) => getComputedStyle(b).outlineStyle), 'solid');
  await page.focus('#input');
  await page.keyboard.type('Bearer undefined');
  await page.waitForSelector('#verdict[data-code="auth.malformed"]');
  await page.focus('#view-developer');
  await page.keyboard.press('Space');
  await page.waitForSelector('body[data-view="developer"]');
  await page.keyboard.press('Enter');
  await page.focus('#view-plain');
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-view="plain"]');

  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
  const light = await background();
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
  const dark = await background();
  assert.notEqual(light, dark);
  assert.equal(dark, 'rgb(13, 17, 23)');
  await page.screenshot({ path: join(shots, 'www-desktop-dark.png') });
  await page.emulateMediaFeatures([]);
  await page.setViewport({ width: 800, height: 600 });
});

test('a pasted token is verified on request against a pasted JWKS, or an HS secret that does not stay', async () => {
  // The lab's really signed tokens (src/bin/authlens/lab/keys.rs) and its public keys.
  const token = (/** @type {string} */ id) => {
    const step = lab.scenarios.find((sc) => sc.id === id)?.steps.at(-1);
    return String(step?.headers.find(([n]) => n === 'Authorization')?.[1] ?? '').replace(/^Bearer /, '');
  };
  const jwks = await (await fetch(new URL('/as/jwks', lab.url))).text();
  /** @param {string} value @param {{ keys?: string, secret?: string }} how */
  const check = async (value, how) => {
    await paste(value);
    await view('developer');
    await page.waitForSelector('#sig-verify');
    if (how.keys !== undefined) await page.$eval('#sig-jwks', (el, text) => { /** @type {HTMLTextAreaElement} */ (el).value = text; }, how.keys);
    if (how.secret !== undefined) await page.$eval('#sig-secret', (el, text) => { /** @type {HTMLInputElement} */ (el).value = text; }, how.secret);
    await page.click('#sig-verify');
    await page.waitForFunction(() => document.getElementById('sig-result')?.dataset.status);
    return page.$eval('#sig-result', (r) => ({ status: /** @type {HTMLElement} */ (r).dataset.status, text: r.textContent ?? '', codes: [...r.querySelectorAll('[data-code]')].map((c) => /** @type {HTMLElement} */ (c).dataset.code) }));
  };
  const rs = await check(token('token-signed-rs256'), { keys: jwks });
  assert.equal(rs.status, 'valid', rs.text);
  assert.match(rs.text, /RS256, kid lab-rsa-1\), checked against the pasted keys/);
  assert.equal((await check(token('token-signed-es256'), { keys: jwks })).status, 'valid');
  const forged = await check(token('token-signature-invalid'), { keys: jwks });
  assert.deepEqual([forged.status, forged.codes], ['invalid', ['token.signature_invalid']], forged.text);
  const unknown = await check(token('token-key-unknown'), { keys: jwks });
  assert.deepEqual([unknown.status, unknown.codes], ['key_unknown', ['token.key_unknown']], unknown.text);
  // One JWK, not a set, works too.
  const one = JSON.stringify(JSON.parse(jwks).keys[0]);
  assert.equal((await check(token('token-signed-rs256'), { keys: one })).status, 'valid');
  const secret = 'lab-hs-secret-canary-2f1c';
  const hs = await check(token('token-signed-hs256'), { secret });
  assert.equal(hs.status, 'valid', hs.text);
  assert.equal(await page.$eval('#sig-secret', (el) => /** @type {HTMLInputElement} */ (el).value), '', 'the secret leaves the input once used');
  assertNoSecret(await page.content(), [secret], 'the page after an HS check');
  const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
  assertNoSecret(stored, [secret], 'the page\'s storage');
  await view('plain');
});

test('no console error, no request off the page, and it works offline', async () => {
  assert.deepEqual(errors, [], 'the console stays clean (the favicon is there, no 404)');
  const origin = new URL(lab.url).origin;
  const off = requests.filter((url) => !(url.startsWith('blob:') || (url.startsWith(origin) && new URL(url).pathname.startsWith('/help/'))));
  assert.deepEqual(off, [], 'every request after load stays on the page\'s own folder');
  const favicon = await page.evaluate(async () => (await fetch('favicon.svg')).status);
  assert.equal(favicon, 200);

  // The service worker has cached the page: with the lab gone, it still opens and works.
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  assert.ok(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), 'the service worker controls the page');
  await lab.stop();
  // @ts-ignore: stopped; after() must not stop it twice.
  lab = { ...lab, stop: async () => {} };
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  const got = await paste(jwt({ exp: now() + 3600 }));
  assert.deepEqual([got.kind, got.tone], ['jwt', 'good']);
  assert.match(got.headline, /valid until .*\(in 1 hour\)/);
});
