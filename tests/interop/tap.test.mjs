// The recording tap on its own (no browser): what it records is what crossed it, it
// passes requests and answers on unchanged, and it never contacts anything but loopback.
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { test } from 'node:test';

import { normaliseChallenge } from './support/suite.mjs';
import { startTap, toHar } from './support/tap.mjs';

/**
 * A request through the tap as a browser sends it to a proxy (absolute form).
 * @param {number} proxyPort @param {string} url @param {Record<string, string>} headers
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: string }>}
 */
function viaProxy(proxyPort, url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: proxyPort, path: url, headers: { ...headers, 'Proxy-Connection': 'keep-alive' } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the tap records each leg as sent and received, and passes it on unchanged', async () => {
  /** @type {import('node:http').IncomingHttpHeaders[]} */
  const seen = [];
  const origin = createServer((req, res) => {
    seen.push(req.headers);
    if (!req.headers.authorization) {
      res.writeHead(401, { 'WWW-Authenticate': 'Digest realm="r", nonce="n1", qop="auth"', 'Set-Cookie': ['a=1; Path=/', 'b=2; HttpOnly'] });
      res.end('no');
    } else {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    }
  });
  await new Promise((resolve) => origin.listen(0, '127.0.0.1', () => resolve(null)));
  const addr = origin.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const tap = await startTap();
  try {
    const first = await viaProxy(tap.port, `http://127.0.0.1:${port}/x?q=1`);
    assert.equal(first.status, 401);
    assert.equal(first.headers['www-authenticate'], 'Digest realm="r", nonce="n1", qop="auth"');
    assert.deepEqual(first.headers['set-cookie'], ['a=1; Path=/', 'b=2; HttpOnly']);
    assert.equal(first.body, 'no');
    const second = await viaProxy(tap.port, `http://127.0.0.1:${port}/x?q=1`, { Authorization: 'Digest username="canary"', Cookie: 'a=1' });
    assert.equal(second.status, 200);
    // The origin got the credentials, and not the proxy's hop-by-hop header.
    assert.equal(seen[1].authorization, 'Digest username="canary"');
    assert.equal(seen[1]['proxy-connection'], undefined);

    const har = toHar(tap.take());
    assert.equal(har.log.entries.length, 2);
    const [a, b] = har.log.entries;
    assert.equal(a.request.url, `http://127.0.0.1:${port}/x?q=1`);
    assert.deepEqual(a.request.queryString, [{ name: 'q', value: '1' }]);
    assert.equal(a.response.status, 401);
    assert.deepEqual(
      a.response.headers.filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value),
      ['a=1; Path=/', 'b=2; HttpOnly'],
    );
    assert.deepEqual(a.response.cookies.map((c) => c.name), ['a', 'b']);
    assert.equal(a.response.content.text, 'no');
    assert.ok(!a.request.headers.some((h) => h.name.toLowerCase() === 'proxy-connection'));
    assert.equal(b.request.headers.find((h) => h.name === 'Authorization')?.value, 'Digest username="canary"');
    assert.deepEqual(b.request.cookies, [{ name: 'a', value: '1' }]);
    assert.equal(b.response.content.mimeType, 'application/json');
    assert.equal(b.response.content.text, '{"ok":true}');
    assert.equal(tap.take().length, 0, 'take() empties the log');
  } finally {
    await tap.close();
    origin.closeAllConnections();
    await new Promise((resolve) => origin.close(() => resolve(null)));
  }
});

test('the tap never contacts anything but loopback', async () => {
  const tap = await startTap();
  try {
    const r = await viaProxy(tap.port, 'http://update.example.com/service');
    assert.equal(r.status, 502);
    assert.equal(tap.refused(), 1);
    assert.equal(tap.take().length, 0, 'refused requests are not recorded');
  } finally {
    await tap.close();
  }
});

test('challenges are compared without their nonces and loopback ports', () => {
  assert.equal(
    normaliseChallenge('Digest realm="http://127.0.0.1:4242", nonce="abc", opaque=xyz, qop="auth", stale=false'),
    'Digest realm="http://127.0.0.1:PORT", nonce=…, opaque=…, qop="auth", stale=false',
  );
});
