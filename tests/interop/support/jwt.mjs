// Tokens a client might hold that the server under test did not mint (one signed with
// another environment's key): HS256 JWTs made with node:crypto (RFC 7515 §A.1 steps).
import { createHmac } from 'node:crypto';

/** @param {Buffer | string} b */
export const b64url = (b) => Buffer.from(b).toString('base64url');

/**
 * @param {Record<string, unknown>} claims
 * @param {string} key
 * @param {Record<string, unknown>} [header]
 */
export function signHs256(claims, key, header = { alg: 'HS256', typ: 'JWT' }) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(createHmac('sha256', key).update(input).digest())}`;
}

/** Seconds since the epoch, now. */
export const now = () => Math.floor(Date.now() / 1000);
