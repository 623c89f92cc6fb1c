// extension/shared/signature.js on every JWS algorithm it checks (RFC 7518 §3), in Node's
// WebCrypto (the same Web Crypto API the browsers implement): keys made here by
// WebCrypto itself, tokens signed with them, then verified, changed, crossed. The
// browsers' own WebCrypto is exercised by signature.test.mjs (RS256, ES256, HS256 from
// the lab) and www.test.mjs; this file covers the algorithms the lab does not sign with.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseJwks, pickJwks, verifyJws } from '../../extension/shared/signature.js';

const b64 = (/** @type {ArrayBuffer | Uint8Array | string} */ data) => Buffer.from(typeof data === 'string' ? data : new Uint8Array(data)).toString('base64url');

/**
 * @param {string} alg
 * @returns {Promise<{ sign: (input: string) => Promise<ArrayBuffer>, jwk: JsonWebKey }>}
 */
async function keyFor(alg) {
  const hash = `SHA-${alg.slice(2)}`;
  /** @type {any} */
  let gen;
  /** @type {any} */
  let sig;
  if (alg.startsWith('RS')) {
    gen = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash };
    sig = { name: 'RSASSA-PKCS1-v1_5' };
  } else if (alg.startsWith('PS')) {
    gen = { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash };
    sig = { name: 'RSA-PSS', saltLength: Number(alg.slice(2)) / 8 };
  } else if (alg.startsWith('ES')) {
    gen = { name: 'ECDSA', namedCurve: alg === 'ES256' ? 'P-256' : 'P-384' };
    sig = { name: 'ECDSA', hash };
  } else {
    gen = { name: 'Ed25519' };
    sig = { name: 'Ed25519' };
  }
  const pair = /** @type {CryptoKeyPair} */ (await crypto.subtle.generateKey(gen, true, ['sign', 'verify']));
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { sign: (input) => crypto.subtle.sign(sig, pair.privateKey, new TextEncoder().encode(input)), jwk };
}

/** @param {string} alg @param {string} kid @param {(input: string) => Promise<ArrayBuffer>} sign */
async function token(alg, kid, sign, claims = { sub: 'canary-user' }) {
  const input = `${b64(JSON.stringify({ alg, kid }))}.${b64(JSON.stringify(claims))}`;
  return `${input}.${b64(await sign(input))}`;
}

for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA']) {
  test(`${alg}: valid, changed claims invalid, an unknown kid key_unknown`, async () => {
    const { sign, jwk } = await keyFor(alg);
    // A JWKS as providers publish it: alg and use on the key (importKey must ignore them).
    const keys = parseJwks(JSON.stringify({ keys: [{ ...jwk, kid: 'k1', alg, use: 'sig', key_ops: ['verify'] }] }));
    const good = await token(alg, 'k1', sign);
    assert.deepEqual(await verifyJws(good, { keys }), { status: 'valid', kid: 'k1', alg });
    const parts = good.split('.');
    parts[1] = b64(JSON.stringify({ sub: 'canary-admin' }));
    assert.deepEqual(await verifyJws(parts.join('.'), { keys }), { status: 'invalid', kid: 'k1', alg, tried: 1 });
    assert.deepEqual(await verifyJws(await token(alg, 'k0', sign), { keys }), { status: 'key_unknown', kid: 'k0', known: ['k1'] });
  });
}

test('HS256/384/512 with the secret; without it, unchecked; the wrong one, invalid', async () => {
  for (const bits of ['256', '384', '512']) {
    const secret = `canary-hs-secret-${bits}`;
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: `SHA-${bits}` }, false, ['sign']);
    const t = await token(`HS${bits}`, 'h1', (input) => crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input)));
    assert.equal((await verifyJws(t, { secret })).status, 'valid');
    assert.equal((await verifyJws(t, { secret: 'wrong' })).status, 'invalid');
    assert.equal((await verifyJws(t, {})).status, 'unchecked');
  }
});

test('PKCS#1 v1.5 is not PSS, a key of another type verifies nothing, and junk is unchecked', async () => {
  const rs = await keyFor('RS256');
  const es = await keyFor('ES256');
  const keys = [...parseJwks(JSON.stringify({ ...rs.jwk, kid: 'rsa' })), ...parseJwks(JSON.stringify({ ...es.jwk, kid: 'ec' }))];
  const good = await token('RS256', 'rsa', rs.sign);
  const asPs = `${b64(JSON.stringify({ alg: 'PS256', kid: 'rsa' }))}.${good.split('.').slice(1).join('.')}`;
  assert.equal((await verifyJws(asPs, { keys })).status, 'invalid');
  assert.equal((await verifyJws(await token('RS256', 'ec', rs.sign), { keys })).status, 'unchecked', 'no RS256 key under kid ec');
  for (const junk of ['', 'a.b', 'a.b.c', '!!!.e30.x', `${b64('{"alg":"none"}')}.e30.`, `${b64('{"alg":"ES512"}')}.e30.AA`]) {
    assert.equal((await verifyJws(junk, { keys })).status, 'unchecked', junk);
  }
  assert.throws(() => parseJwks('{"nothing": 1}'));
  // The JWKS that holds the kid wins, else the issuer's, else all of them together.
  const seen = [{ url: 'https://a.example/jwks', keys: [{ kty: 'RSA', kid: 'x' }] }, { url: 'https://b.example/jwks', keys: [{ kty: 'RSA', kid: 'y' }] }];
  assert.equal(pickJwks({ kid: 'y' }, undefined, seen)?.url, 'https://b.example/jwks');
  assert.equal(pickJwks({ kid: 'z' }, 'https://a.example', seen)?.url, 'https://a.example/jwks');
  assert.equal(pickJwks({ kid: 'z' }, undefined, seen)?.keys.length, 2);
  assert.equal(pickJwks({}, undefined, []), null);
});
