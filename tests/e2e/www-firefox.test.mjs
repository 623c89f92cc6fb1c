// The self-help page's basics in headless Firefox ESR (WebDriver BiDi): the Wasm core
// loads, a pasted token and a pasted challenge get their verdicts, a picked HAR is read
// in the worker and shows its top causes, and the console stays clean.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

import { root, startLab } from './support/lab.mjs';

/** @type {Awaited<ReturnType<typeof startLab>>} */
let lab;
/** @type {import('puppeteer-core').Browser} */
let browser;

before(async () => {
  lab = await startLab();
  browser = await puppeteer.launch({ browser: 'firefox', executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr', headless: true });
});

after(async () => {
  await browser?.close();
  await lab?.stop();
});

test('Firefox: the page reads a token, a challenge and a HAR, with a clean console', async () => {
  const page = await browser.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL('/help/', lab.url).href);
  await page.waitForSelector('body[data-ready]');

  const part = (/** @type {object} */ o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = `${part({ alg: 'RS256' })}.${part({ exp: Math.floor(Date.now() / 1000) - 7200 })}.c2lnbmF0dXJl`;
  /** @param {string} text */
  const paste = (text) => page.evaluate((value) => {
    const area = /** @type {HTMLTextAreaElement} */ (document.getElementById('input'));
    area.value = value;
    area.dispatchEvent(new Event('input', { bubbles: true }));
    return [document.getElementById('detected')?.dataset.kind, document.querySelector('#verdict .headline')?.textContent];
  }, text);
  assert.deepEqual(await paste(token), ['jwt', 'Your token expired 2 hours ago.']);
  const challenge = await paste('WWW-Authenticate: Bearer error="insufficient_scope", scope="orders:write"');
  assert.equal(challenge[0], 'challenge');
  assert.match(challenge[1] ?? '', /lacks a permission/);

  const input = /** @type {import('puppeteer-core').ElementHandle<HTMLInputElement>} */ (await page.$('#har-input'));
  await input.uploadFile(join(root, 'tests', 'fixtures', 'har', 'firefox', 'lab-session.har'));
  await page.waitForSelector('#top-causes li[data-code="token.expired"]');
  assert.deepEqual(errors, []);
  await page.close();
});
