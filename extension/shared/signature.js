// JWS signature checks in the browser, with WebCrypto, only when the user asks (issue #16
// item 3). No crypto goes into the Wasm module: the core only turns the verdict into its
// finding (`signatureFinding`, src/signature.rs), the same codes and texts as the CLI's
// `--jwks` (src/bin/authlens/jwks.rs, which uses `ring`). This file mirrors jwks.rs's rules
// on purpose: the same key choice, the same verdicts.
//
// It imports nothing: the panel and the self-help page (www) both use it
// (tools/assemble.mjs copies it to dist/www/shared/).
//
// Algorithms (RFC 7518 §3): RS256/384/512 (RSASSA-PKCS1-v1_5), PS256/384/512 (RSA-PSS,
// salt length = the hash's length, RFC 7518 §3.5), ES256/ES384 (ECDSA: a JWS signature is
// R || S, fixed size, RFC 7518 §3.4, which is what WebCrypto's ECDSA verify takes, not DER),
// EdDSA with Ed25519 (RFC 8037; WebCrypto's `Ed25519`, where the browser has it), and
// HS256/384/512 with a secret the user pastes, which is used once and never kept.

/** @typedef {import('../pkg/authlens.js').SignatureVerdict} SignatureVerdict */
/** @typedef {{ kty: string, kid?: string, crv?: string, n?: string, e?: string, x?: string, y?: string }} PublicJwk */

const HASH = /** @type {Record<string, string>} */ ({ 256: 'SHA-256', 384: 'SHA-384', 512: 'SHA-512' });

/**
 * @param {string} text base64url, unpadded or padded
 * @returns {Uint8Array<ArrayBuffer>}
 */
function fromBase64url(text) {
  const b64 = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  if (/[^A-Za-z0-9+/]/.test(b64)) throw new Error('not base64url');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The keys of a JWKS document (`{"keys": […]}`, RFC 7517 §5) or of one JWK; keys that
 * cannot be read are skipped. Only the public members are kept.
 * @param {string} text
 * @returns {PublicJwk[]} throws when the text is neither
 */
export function parseJwks(text) {
  const value = JSON.parse(text);
  /** @type {unknown[]} */
  let list;
  if (value && Array.isArray(value.keys)) list = value.keys;
  else if (value && typeof value.kty === 'string') list = [value];
  else throw new Error('not a JWKS: no "keys" array and no "kty"');
  /** @type {PublicJwk[]} */
  const keys = [];
  for (const k of list) {
    if (!k || typeof k !== 'object') continue;
    const key = /** @type {Record<string, unknown>} */ (k);
    if (typeof key.kty !== 'string') continue;
    /** @type {PublicJwk} */
    const jwk = { kty: key.kty };
    for (const name of /** @type {const} */ (['kid', 'crv', 'n', 'e', 'x', 'y'])) {
      if (typeof key[name] === 'string') jwk[name] = /** @type {string} */ (key[name]);
    }
    keys.push(jwk);
  }
  return keys;
}

/** The JWS header of a compact token, or null. @param {string} token */
export function jwsHeader(token) {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(new TextDecoder().decode(fromBase64url(parts[0])));
    return header && typeof header === 'object' ? /** @type {Record<string, unknown>} */ (header) : null;
  } catch {
    return null;
  }
}

/** @param {string} alg @param {PublicJwk} key */
function algFits(alg, key) {
  if (/^(RS|PS)(256|384|512)$/.test(alg)) return key.kty === 'RSA';
  if (alg === 'ES256') return key.kty === 'EC' && key.crv === 'P-256';
  if (alg === 'ES384') return key.kty === 'EC' && key.crv === 'P-384';
  if (alg === 'EdDSA' || alg === 'Ed25519') return key.kty === 'OKP' && key.crv === 'Ed25519';
  return false;
}

/**
 * WebCrypto's import and verify parameters for a JWS alg.
 * @param {string} alg
 * @returns {{ imp: any, ver: any } | null}
 */
function params(alg) {
  const hash = HASH[alg.slice(2)];
  if (alg.startsWith('RS') && hash) return { imp: { name: 'RSASSA-PKCS1-v1_5', hash }, ver: { name: 'RSASSA-PKCS1-v1_5' } };
  // RFC 7518 §3.5: the salt is as long as the hash.
  if (alg.startsWith('PS') && hash) return { imp: { name: 'RSA-PSS', hash }, ver: { name: 'RSA-PSS', saltLength: Number(alg.slice(2)) / 8 } };
  if (alg === 'ES256') return { imp: { name: 'ECDSA', namedCurve: 'P-256' }, ver: { name: 'ECDSA', hash: 'SHA-256' } };
  if (alg === 'ES384') return { imp: { name: 'ECDSA', namedCurve: 'P-384' }, ver: { name: 'ECDSA', hash: 'SHA-384' } };
  if (alg === 'EdDSA' || alg === 'Ed25519') return { imp: { name: 'Ed25519' }, ver: { name: 'Ed25519' } };
  return null;
}

/**
 * The public JWK as WebCrypto imports it: only the key material. A JWKS's `alg`, `use` or
 * `key_ops` would make importKey refuse a key the JWS header names another way (WebCrypto
 * §14.3.9 checks them), and the header's alg is what is being checked.
 * @param {PublicJwk} key
 */
function bareJwk(key) {
  if (key.kty === 'RSA') return { kty: 'RSA', n: key.n, e: key.e, ext: true };
  if (key.kty === 'EC') return { kty: 'EC', crv: key.crv, x: key.x, y: key.y, ext: true };
  return { kty: 'OKP', crv: key.crv, x: key.x, ext: true };
}

/**
 * Whether this browser's WebCrypto verifies Ed25519 (Chromium ≥ 137 and Firefox ≥ 129 do;
 * older ones throw NotSupportedError).
 */
export async function ed25519Supported() {
  try {
    // RFC 8032 §7.1 test 1's public key.
    await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', ext: true }, { name: 'Ed25519' }, false, ['verify']);
    return true;
  } catch {
    return false;
  }
}

/**
 * Verifies a compact JWS with `keys`, or with `secret` for HS*.
 * @param {string} token
 * @param {{ keys?: PublicJwk[], secret?: string }} with_
 * @returns {Promise<SignatureVerdict>}
 */
export async function verifyJws(token, { keys = [], secret } = {}) {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return { status: 'unchecked', reason: 'not a compact JWS (three segments)' };
  const header = jwsHeader(token);
  if (!header) return { status: 'unchecked', reason: 'the JWS header does not decode' };
  const alg = typeof header.alg === 'string' ? header.alg : '';
  const kid = typeof header.kid === 'string' ? header.kid : null;
  /** @type {Uint8Array<ArrayBuffer>} */
  let signature;
  try {
    signature = fromBase64url(parts[2]);
  } catch {
    return { status: 'unchecked', reason: 'the signature is not base64url' };
  }
  // RFC 7515 §5.2: the signing input is the two encoded segments as sent.
  const input = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
  if (alg.startsWith('HS')) {
    const hash = HASH[alg.slice(2)];
    if (!hash) return { status: 'unchecked', reason: `unsupported algorithm ${alg}` };
    if (!secret) return { status: 'unchecked', reason: `${alg} needs the shared secret` };
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash }, false, ['verify']);
    const ok = await crypto.subtle.verify('HMAC', key, signature, input);
    return ok ? { status: 'valid', kid, alg } : { status: 'invalid', kid, alg, tried: 1 };
  }
  if (!alg || alg.toLowerCase() === 'none') return { status: 'unchecked', reason: 'unsigned (alg none)' };
  const p = params(alg);
  if (!p) return { status: 'unchecked', reason: `unsupported algorithm ${alg}` };
  /** @type {PublicJwk[]} */
  let candidates;
  if (kid !== null) {
    const named = keys.filter((k) => k.kid === kid);
    if (named.length === 0) return { status: 'key_unknown', kid, known: keys.flatMap((k) => (k.kid ? [k.kid] : [])).slice(0, 20) };
    candidates = named.filter((k) => algFits(alg, k));
  } else {
    candidates = keys.filter((k) => algFits(alg, k));
  }
  if (candidates.length === 0) return { status: 'unchecked', reason: `no ${alg} key in the JWKS` };
  if (p.imp.name === 'Ed25519' && !(await ed25519Supported())) {
    return { status: 'unchecked', reason: 'this browser\'s WebCrypto cannot verify Ed25519 (EdDSA); use `authlens token --jwks`' };
  }
  for (const key of candidates) {
    try {
      const imported = await crypto.subtle.importKey('jwk', bareJwk(key), p.imp, false, ['verify']);
      if (await crypto.subtle.verify(p.ver, imported, signature, input)) return { status: 'valid', kid: key.kid ?? null, alg };
    } catch {
      // A key WebCrypto cannot import (a short RSA modulus, a point off the curve) verifies
      // nothing: it counts as tried.
    }
  }
  return { status: 'invalid', kid, alg, tried: candidates.length };
}

/**
 * The JWKS to check a token against, among those seen: the one that holds the token's kid,
 * else the issuer's (its URL under the token's `iss`), else all of them together (so that
 * a kid in none of them is `token.key_unknown`).
 * @param {Record<string, unknown> | null} header the JWS header
 * @param {string | undefined} issuer the token's `iss`
 * @param {{ url: string, keys: PublicJwk[] }[]} seen
 * @returns {{ url: string, keys: PublicJwk[] } | null}
 */
export function pickJwks(header, issuer, seen) {
  if (seen.length === 0) return null;
  const kid = typeof header?.kid === 'string' ? header.kid : null;
  const byKid = kid !== null ? seen.find((s) => s.keys.some((k) => k.kid === kid)) : undefined;
  if (byKid) return byKid;
  const byIssuer = issuer ? seen.find((s) => s.url.startsWith(issuer.replace(/\/$/, ''))) : undefined;
  if (byIssuer) return byIssuer;
  if (seen.length === 1) return seen[0];
  return { url: seen.map((s) => s.url).join(', '), keys: seen.flatMap((s) => s.keys) };
}
