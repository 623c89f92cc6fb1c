// The self-help page's input detection (www/detect.js) in Node, with the core's own
// transcript test: each kind of paste is told apart, including the look-alikes (a Basic
// challenge and Basic credentials, a Digest challenge and a Digest response, a header
// with and without its name). The page itself is tested in real browsers (www.test.mjs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import init, { looksLikeTranscript } from '../../pkg/authlens.js';
import { detect } from '../../www/detect.js';
import { root } from './support/lab.mjs';

await init({ module_or_path: readFileSync(join(root, 'pkg', 'authlens_bg.wasm')) });

/** @param {string} text */
const kind = (text) => detect(text, looksLikeTranscript);

test('each kind of paste is detected, look-alikes included', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.c2ln';
  /** @type {[string, string, string | undefined][]} text, kind, header */
  const cases = [
    [jwt, 'jwt', undefined],
    [`  ${jwt}\n`, 'jwt', undefined],
    [`${jwt}.YQ.Yg`, 'jwt', undefined], // five segments: a JWE
    [`Bearer ${jwt}`, 'authorization', undefined],
    [`Authorization: Bearer ${jwt}`, 'authorization', 'Authorization'],
    ['Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==', 'authorization', 'Proxy-Authorization'],
    ['Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==', 'authorization', undefined],
    ['Basic realm="corp", charset="UTF-8"', 'challenge', undefined],
    ['Digest username="u", realm="r", nonce="n", uri="/", response="0123"', 'authorization', undefined],
    ['Digest realm="r", nonce="n", qop="auth"', 'challenge', undefined],
    ['Negotiate', 'challenge', undefined],
    ['www-authenticate: Bearer error="invalid_token"\nWWW-Authenticate: Basic realm="x"', 'challenge', 'www-authenticate'],
    ['Proxy-Authenticate: Basic realm="proxy"', 'challenge', 'Proxy-Authenticate'],
    ['Set-Cookie: sid=1; Path=/', 'set-cookie', 'Set-Cookie'],
    ['sid=abc; Secure; HttpOnly', 'set-cookie', undefined],
    ['HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer\n\n', 'transcript', undefined],
    ['> GET / HTTP/2\n> Host: a\n>\n< HTTP/2 401 \n<\n', 'transcript', undefined],
    ['{"log":{"version":"1.2","entries":[]}}', 'har', undefined],
    ['ghp_16C7e42F292c6912E7710c838347Ae178B4a', 'token', undefined],
    ['my login is broken', 'unknown', undefined],
    ['', 'unknown', undefined],
  ];
  for (const [text, expected, header] of cases) {
    const found = kind(text);
    assert.equal(found.kind, expected, text);
    assert.equal(found.header, header, text);
  }
  // The header name is taken off each field line; the value is what the parser gets.
  assert.equal(kind('WWW-Authenticate: Bearer realm="a"\nWWW-Authenticate: Basic').value, 'Bearer realm="a"\nBasic');
  assert.equal(kind('Authorization:   Bearer x').value, 'Bearer x');
});
