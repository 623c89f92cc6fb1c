// Answers the browser's own sign-in prompts in one tab, as a user would: with the
// credentials a scenario gives, or "Cancel". Headless Chromium shows no dialog; the CDP
// Fetch domain (handleAuthRequests) hands each prompt (401 Basic/Digest from a server, 407
// from a proxy) to us. Every other request continues untouched. The wire itself is
// recorded by the tap (tap.mjs).

/** @typedef {import('./types.mjs').AuthAnswer} AuthAnswer */

/**
 * @param {import('puppeteer-core').Page} page
 */
export async function answerPrompts(page) {
  const client = await page.createCDPSession();
  /** @type {AuthAnswer[]} */
  let answers = [];
  /** @type {{ url: string, source: string, answer: string }[]} */
  const prompts = [];
  client.on('Fetch.requestPaused', (e) => {
    client.send('Fetch.continueRequest', { requestId: e.requestId }).catch(() => {});
  });
  client.on('Fetch.authRequired', (e) => {
    // Once a scenario's answers are used up, cancel: a wrong password must not loop.
    const answer = answers.shift() ?? 'cancel';
    prompts.push({ url: e.request.url, source: e.authChallenge.source ?? 'Server', answer: answer === 'cancel' ? 'cancel' : answer.username });
    /** @type {any} */
    const authChallengeResponse =
      answer === 'cancel'
        ? { response: 'CancelAuth' }
        : { response: 'ProvideCredentials', username: answer.username, password: answer.password };
    client.send('Fetch.continueWithAuth', { requestId: e.requestId, authChallengeResponse }).catch(() => {});
  });
  await client.send('Fetch.enable', { handleAuthRequests: true, patterns: [{ urlPattern: '*' }] });
  // No HTTP cache: every answer comes from the server (and crosses the tap).
  await client.send('Network.enable');
  await client.send('Network.setCacheDisabled', { cacheDisabled: true });
  return {
    /** @param {AuthAnswer[]} next */
    setAuthAnswers(next) {
      answers = [...next];
    },
    prompts,
    async detach() {
      await client.detach().catch(() => {});
    },
  };
}
