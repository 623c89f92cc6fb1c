// Drives the lab's index page: each scenario button makes its request from the page.

/**
 * Clicks a scenario's button and waits for the status the page received.
 * @param {import('puppeteer-core').Page} page the lab index page
 * @param {string} id scenario id
 * @param {number} [timeout] ms
 * @returns {Promise<number | string>} the status, or "error" when fetch() failed (CORS)
 */
export async function runScenario(page, id, timeout = 10_000) {
  await page.click(`button[data-scenario="${id}"]`);
  const handle = await page.waitForFunction(
    (/** @type {string} */ scenario) => {
      const text = document.querySelector(`output[data-result-for="${scenario}"]`)?.textContent ?? '';
      if (text === 'error') return text;
      return /^\d+$/.test(text) ? Number(text) : null;
    },
    { timeout },
    id,
  );
  return /** @type {number | string} */ (await handle.jsonValue());
}

/**
 * Fails if any secret occurs in `text`, naming where.
 * @param {string} text
 * @param {string[]} secrets
 * @param {string} where
 */
export function assertNoSecret(text, secrets, where) {
  if (secrets.length === 0) throw new Error('no canary secrets: the lab should hand some out');
  for (const secret of secrets) {
    if (text.includes(secret)) throw new Error(`a secret leaked into ${where}: …${secret.slice(-8)}`);
  }
}
