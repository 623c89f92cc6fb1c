// The lab's hostile page (/hostile/): one button makes requests whose answers, and whose
// own credentials, are hostile (lab/hostile.rs). Nothing from the answers is rendered here.

/** Base64url of a string's UTF-8 bytes. @param {string} text */
function b64url(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

const MARKUP = '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script><a href="javascript:window.__pwned=4">click</a>';
const BIDI = 'evil.example\u202emoc.elgoog\u2067';
/** @param {object} claims */
const jwt = (claims) => `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: MARKUP }))}.${b64url(JSON.stringify(claims))}.aG9zdGlsZS1zaWduYXR1cmU`;
const exp = Math.floor(Date.now() / 1000) + 3600;
/** Claims full of markup, a javascript: issuer, a bidi override and control characters. */
export const HOSTILE_JWT = jwt({ iss: 'javascript:window.__pwned=9', sub: `${BIDI}${MARKUP}`, aud: MARKUP, name: '\u0007\u001b[31m\u0000', exp });
/** A 1 MB JWT. */
export const HUGE_JWT = jwt({ sub: 'huge', exp, pad: 'A'.repeat(1 << 20) });

/** @param {string} path @param {Record<string, string>} [headers] */
async function get(path, headers = {}) {
  try {
    const response = await fetch(path, { headers, cache: 'no-store' });
    // Read the body: DevTools reports a request as finished only once it has been read.
    await response.text();
    return response.status;
  } catch {
    return 'error';
  }
}

document.getElementById('run')?.addEventListener('click', async () => {
  const result = /** @type {HTMLOutputElement} */ (document.getElementById('result'));
  result.textContent = '…';
  // Cookies with markup, and one of the largest size a browser keeps (4096 bytes for
  // name and value, RFC 6265bis §5.7).
  document.cookie = `lab_markup=${encodeURIComponent(MARKUP)}; Path=/hostile/`;
  document.cookie = `lab_big=${'C'.repeat(4000)}; Path=/hostile/`;
  const statuses = [
    await get('/hostile/markup', { Authorization: `Bearer ${HOSTILE_JWT}` }),
    await get('/hostile/control', { Authorization: `Bearer ${HUGE_JWT}` }),
    await get('/hostile/wide'),
    await get('/hostile/huge-body'),
  ];
  result.textContent = statuses.join(' ');
  result.dataset.done = String(statuses.length);
});

document.body.dataset.ready = 'true';
