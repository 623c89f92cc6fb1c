// What kind of thing was pasted. The shapes are read from their grammars:
// - a JWT is three (JWS, RFC 7515 §7.1) or five (JWE, RFC 7516 §7.1) base64url segments;
// - a header line is `name ":" value` (RFC 9112 §5);
// - an `Authorization` value is `scheme SP credentials`, a challenge is `scheme` with
//   auth-params (RFC 9110 §11.3, §11.6.1): the same scheme names, told apart by what
//   follows (Basic's token68 vs `realm=`);
// - a `Set-Cookie` value is `name=value` then `;` attributes (RFC 6265bis §4.1.1);
// - transcripts are recognised by the core (`looksLikeTranscript`: a start line).

/**
 * @typedef {'jwt' | 'authorization' | 'challenge' | 'set-cookie' | 'transcript' | 'har' | 'token' | 'unknown'} InputKind
 * @typedef {{ kind: InputKind, value: string, header?: string, proxy?: boolean }} Detected
 */

/** The kinds as the page names them. */
export const KIND_NAMES = {
  jwt: 'a JSON Web Token (JWT)',
  authorization: 'an Authorization header value',
  challenge: 'a WWW-Authenticate challenge',
  'set-cookie': 'a Set-Cookie header',
  transcript: 'an HTTP transcript',
  har: 'a HAR file',
  token: 'a token that is not a JWT',
  unknown: 'something AuthLens does not recognise',
};

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?$/;
const HEADER_LINE = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)[ \t]*:[ \t]*([\s\S]*)$/;
/** Parameters only a challenge carries (RFC 9110 §11.5, RFC 6750 §3, RFC 7616 §3.3, RFC 9728 §5.1). */
const CHALLENGE_PARAM = /(^|[\s,])(realm|error|error_description|error_uri|scope|resource_metadata|charset|stale|qop|algorithm|domain|algs|authorization_uri|claims|acr_values|max_age)\s*=/i;
/** Parameters a Digest *response* carries (RFC 7616 §3.4). */
const DIGEST_RESPONSE = /(^|[\s,])(username|response|cnonce|nc)\s*=/i;
const SCHEME = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)(?:[ \t]+([\s\S]*))?$/;
/** The auth-schemes in the IANA registry and in common use (RFC 9110 §16.4.1). */
const KNOWN_SCHEME = /^(basic|bearer|digest|negotiate|ntlm|dpop|hoba|mutual|scram-sha-1|scram-sha-256|vapid|privatetoken|concealed|aws4-hmac-sha256|token|apikey)$/i;
const COOKIE_ATTRIBUTE = /;\s*(path|domain|expires|max-age|secure|httponly|samesite|partitioned)\b/i;

/**
 * @param {string} text what was pasted
 * @param {(text: string) => boolean} looksLikeTranscript the core's test for a start line
 * @returns {Detected}
 */
export function detect(text, looksLikeTranscript) {
  const value = text.trim();
  if (!value) return { kind: 'unknown', value };
  if (value.startsWith('{') && /"log"\s*:/.test(value.slice(0, 4096))) return { kind: 'har', value };
  if (looksLikeTranscript(value)) return { kind: 'transcript', value };

  const lines = value.split(/\r?\n/).filter((line) => line.trim());
  const header = HEADER_LINE.exec(lines[0] ?? '');
  if (header) {
    const name = header[1].toLowerCase();
    const rest = [header[2], ...lines.slice(1)].join('\n');
    if (name === 'authorization' || name === 'proxy-authorization') {
      return { kind: 'authorization', value: rest.trim(), header: header[1], proxy: name.startsWith('proxy') };
    }
    if (name === 'www-authenticate' || name === 'proxy-authenticate') {
      // Every line may repeat the header name (a copied response has one field line each).
      const values = lines.map((line) => line.replace(/^\s*(www|proxy)-authenticate[ \t]*:[ \t]*/i, ''));
      return { kind: 'challenge', value: values.join('\n'), header: header[1], proxy: name.startsWith('proxy') };
    }
    if (name === 'set-cookie') return { kind: 'set-cookie', value: rest.trim(), header: header[1] };
  }

  if (JWT.test(value) && value.startsWith('eyJ')) return { kind: 'jwt', value };

  const scheme = SCHEME.exec(lines[0] ?? '');
  if (scheme) {
    const rest = scheme[2] ?? '';
    if (CHALLENGE_PARAM.test(rest) && !DIGEST_RESPONSE.test(rest)) return { kind: 'challenge', value: lines.join('\n') };
    const known = KNOWN_SCHEME.test(scheme[1]);
    // Credentials are one token68 or auth-params (RFC 9110 §11.4); a sentence is neither,
    // unless its first word is a scheme (then its mistakes are worth naming).
    if (rest.trim() && (known || !/\s/.test(rest.trim()) || /^[\w-]+\s*=/.test(rest.trim()))) return { kind: 'authorization', value };
    // A scheme alone ("Negotiate", "Bearer") is a challenge without parameters.
    if (known && !rest.trim()) return { kind: 'challenge', value };
  }
  if (/^[^=;\s]+=[^;]*;/.test(value) && COOKIE_ATTRIBUTE.test(value)) return { kind: 'set-cookie', value };
  if (!/\s/.test(value) && value.length >= 16) return { kind: 'token', value };
  return { kind: 'unknown', value };
}
