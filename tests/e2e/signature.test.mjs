// Signature checks on request in the DevTools panel (issue #16 item 3), in real Chromium
// and real Firefox (a browser matrix, as panel.test.mjs) against a real `authlens lab`
// whose tokens are signed with real keys (src/bin/authlens/lab/keys.rs) and whose JWKS is
// /as/jwks. WebCrypto verifies in the panel; the verdict's finding is the core's.
// Each source of keys is tried: the JWKS seen in the traffic, a pasted JWKS, one fetch
// on an explicit click; and an HS256 secret typed in, which must not stay in the DOM nor
// reach storage.local, storage.session or storage.sync.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startLab } from './support/lab.mjs';
import { assertNoSecret, runScenario } from './support/labpage.mjs';
import { openSession, press, waitInPanel } from './support/panel.mjs';

/** The HS256 secret of the lab's `token-signed-hs256` (src/bin/authlens/lab/keys.rs). */
const HS_SECRET = 'lab-hs-secret-canary-2f1c';

/** @type {Awaited<ReturnType<typeof startLab>>} */
let lab;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab?.stop();
});

const browsers = /** @type {('chromium' | 'firefox')[]} */ ((process.env.AUTHLENS_BROWSERS ?? 'chromium,firefox').split(','));

for (const name of browsers) {
  describe(`signature checks in the ${name} panel`, () => {
    /** @type {import('./support/panel.mjs').PanelSession} */
    let s;
    before(async () => {
      s = await openSession(name, lab.url);
      await s.show();
      await waitInPanel(s, 'return document.body.dataset.ready === "true";', 'the panel to load');
    });
    after(async () => {
      await s?.close();
    });

    /**
     * Runs a scenario on a fresh lab page, opens its 401 in the Credentials tab, picks the
     * key source and clicks Verify; returns the result's status and text.
     * @param {string} id
     * @param {{ source?: string, paste?: string, secret?: string }} [how]
     */
    async function verify(id, how = {}) {
      await s.page.goto(lab.url);
      await s.page.waitForSelector('body[data-ready]');
      await waitInPanel(s, `return document.getElementById('status')?.dataset.total === '0';`, 'the list to reset');
      assert.equal(await runScenario(s.page, id, 20_000), 401);
      await press(s, '#list-body .row:not([data-healthy])[data-code="token.rejected"]');
      await press(s, '[role="tab"][data-tab="credentials"]');
      await waitInPanel(s, `return Boolean(document.querySelector('#tab-credentials #sig-verify'));`, 'the Verify signature button');
      if (how.source) await s.probe(`document.querySelector('input[name="sig-source"][value=${JSON.stringify(how.source)}]').click(); return true;`);
      if (how.paste !== undefined) await s.probe(`document.getElementById('sig-jwks').value = ${JSON.stringify(how.paste)}; return true;`);
      if (how.secret !== undefined) await s.probe(`document.getElementById('sig-secret').value = ${JSON.stringify(how.secret)}; return true;`);
      await press(s, '#sig-verify');
      /** @type {{ status: string, text: string, codes: string[] }} */
      const result = await waitInPanel(s, `const r = document.getElementById('sig-result');
        return r.dataset.status && { status: r.dataset.status, text: r.textContent, codes: [...r.querySelectorAll('[data-code]')].map((c) => c.dataset.code) };`, `the signature verdict of ${id}`);
      return result;
    }

    test('WebCrypto in this browser verifies Ed25519 (EdDSA)', async () => {
      // Printed for docs/testing.md; the panel says so on screen where it cannot.
      const supported = await s.probe(`try { await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }, { name: 'Ed25519' }, false, ['verify']); return 'yes'; } catch (e) { return 'no: ' + e.name; }`);
      console.log(`${name}: WebCrypto Ed25519 ${supported}`);
      assert.equal(supported, 'yes');
    });

    test('RS256 and ES256 tokens verify against the JWKS seen in the traffic', async () => {
      const rs = await verify('token-signed-rs256');
      assert.equal(rs.status, 'valid', rs.text);
      assert.match(rs.text, /RS256, kid lab-rsa-1\), checked against http:\/\/127\.0\.0\.1:\d+\/as\/jwks/);
      const es = await verify('token-signed-es256');
      assert.equal(es.status, 'valid', es.text);
      assert.match(es.text, /ES256, kid lab-ec-1/);
      assertNoSecret(await s.probe('return document.documentElement.outerHTML;'), lab.secrets, 'the panel after verifying');
    });

    test('a changed token is token.signature_invalid, an unknown kid token.key_unknown, with the core\'s texts', async () => {
      const forged = await verify('token-signature-invalid');
      assert.equal(forged.status, 'invalid', forged.text);
      assert.deepEqual(forged.codes, ['token.signature_invalid']);
      assert.match(forged.text, /The token's signature does not verify with the issuer's keys/);
      const unknown = await verify('token-key-unknown');
      assert.equal(unknown.status, 'key_unknown', unknown.text);
      assert.deepEqual(unknown.codes, ['token.key_unknown']);
      assert.match(unknown.text, /kid "lab-rsa-0-retired" is not in the JWKS \(kids: lab-rsa-1, lab-ec-1\)/);
    });

    test('a pasted JWKS, and the keys fetched on an explicit click (said on screen)', async () => {
      const jwks = await (await fetch(new URL("/as/jwks", lab.url))).text();
      const pasted = await verify('token-signed-rs256', { source: 'paste', paste: jwks });
      assert.equal(pasted.status, 'valid', pasted.text);
      assert.match(pasted.text, /the pasted keys/);
      const junk = await verify('token-signed-rs256', { source: 'paste', paste: '{"not":"keys"}' });
      assert.equal(junk.status, 'error', junk.text);
      const fetched = await verify('token-signed-es256', { source: 'fetch' });
      assert.equal(fetched.status, 'valid', fetched.text);
      assert.match(await s.probe(`return document.getElementById('sig-fetch-note').textContent;`), /the one request AuthLens makes itself/);
    });

    test('HS256 with a typed secret: valid, the input emptied, the secret in no storage', async () => {
      const wrong = await verify('token-signed-hs256', { secret: 'not-the-secret' });
      assert.equal(wrong.status, 'invalid', wrong.text);
      assert.deepEqual(wrong.codes, ['token.signature_invalid']);
      const right = await verify('token-signed-hs256', { secret: HS_SECRET });
      assert.equal(right.status, 'valid', right.text);
      assert.equal(await s.probe(`return document.getElementById('sig-secret').value;`), '', 'the secret leaves the input once used');
      const html = await s.probe('return document.documentElement.outerHTML;');
      assertNoSecret(html, [HS_SECRET, ...lab.secrets], 'the panel after an HS check');
      // The extension's three storage areas, read from the panel (both browsers let it).
      const stored = await s.probe(`const api = typeof page === 'undefined' ? chrome : page.browser; const out = {};
        for (const area of ['local', 'session', 'sync']) {
          try { out[area] = JSON.stringify(await api.storage[area].get(null)); } catch (e) { out[area] = 'unreadable: ' + e.message; }
        }
        return out;`);
      console.log(`${name}: storage areas read from the panel: ${Object.entries(stored).map(([a, t]) => `${a} ${String(t).startsWith('unreadable') ? t : 'read'}`).join(', ')}`);
      for (const [area, text] of Object.entries(stored)) assertNoSecret(String(text), [HS_SECRET], `storage.${area}`);
      assert.ok(Object.values(stored).every((text) => !String(text).startsWith('unreadable')), JSON.stringify(stored));
    });
  });
}
