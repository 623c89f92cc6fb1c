// A recording HTTP forward proxy between Chromium and every server of the suite: the wire,
// leg by leg, as a HAR.
//
// Why not the panel's devtools.network.getHAR(), nor CDP's Network events: checked on
// Chromium 156, a request answered through the browser's sign-in prompt (Basic, Digest,
// proxy auth) shows in DevTools as ONE request, the final one; the 401/407 legs before it
// never reach DevTools (no responseReceivedExtraInfo either), nor does the Authorization the
// browser added on the retry. The engine has to judge those legs (a refused Digest
// response, the first leg of a handshake), so the suite records the wire instead: Chromium
// runs with --proxy-server pointing here (and --proxy-bypass-list=<-loopback>, so loopback
// goes through a proxy at all), each request is recorded with its headers exactly as sent
// (Authorization, Cookie, Proxy-Authorization included), forwarded unchanged, and the
// answer is recorded exactly as received. The extension itself sees such legs through
// webRequest.onAuthRequired.
//
// Only the hop-by-hop headers of this hop are not passed on or recorded (RFC 9112 §9.6,
// RFC 9110 §7.6.1): Chromium's Proxy-Connection, and Connection/Keep-Alive/Transfer-Encoding,
// which this proxy re-frames. With `upstream` set (the squid stack), requests go on to that
// proxy in absolute form, Proxy-Authorization included: the 407 legs are squid's own.
import { Agent, createServer, request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/**
 * @typedef {object} Leg
 * @property {number} seq
 * @property {Date} started
 * @property {number} time ms until the answer was complete
 * @property {string} method
 * @property {string} url absolute
 * @property {{name: string, value: string}[]} reqHeaders
 * @property {Buffer} reqBody
 * @property {number} status 0 when the server could not be reached
 * @property {string} statusText
 * @property {{name: string, value: string}[]} respHeaders
 * @property {Buffer} respBody
 * @property {string} [error]
 */

const HOP = new Set(['proxy-connection', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

/** @param {string[]} raw rawHeaders */
function pairs(raw) {
  /** @type {{name: string, value: string}[]} */
  const out = [];
  for (let i = 0; i < raw.length; i += 2) out.push({ name: raw[i], value: raw[i + 1] });
  return out;
}

/** @param {{name: string, value: string}[]} list */
const flat = (list) => list.flatMap((h) => [h.name, h.value]);

/**
 * 127.0.0.0/8, ::1 and localhost (RFC 6761 §6.3).
 * @param {string} host a URL's hostname
 */
export function isLoopback(host) {
  return /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]' || host === 'localhost' || host.endsWith('.localhost');
}

/** Starts the tap on a free loopback port. */
export async function startTap() {
  /** @type {Leg[]} */
  let legs = [];
  let seq = 0;
  /** @type {{ host: string, port: number } | null} */
  let upstream = null;
  let inflight = 0;
  let refused = 0;
  const agent = new Agent({ keepAlive: true });

  const server = createServer((req, res) => {
    const started = new Date();
    const t0 = performance.now();
    const mine = seq++;
    inflight += 1;
    res.on('close', () => (inflight -= 1));
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const reqBody = Buffer.concat(chunks);
      const url = req.url ?? '/';
      const reqHeaders = pairs(req.rawHeaders).filter((h) => !HOP.has(h.name.toLowerCase()));
      /** @type {Leg} */
      const leg = { seq: mine, started, time: 0, method: req.method ?? 'GET', url, reqHeaders, reqBody, status: 0, statusText: '', respHeaders: [], respBody: Buffer.alloc(0) };
      if (!/^http:\/\//i.test(url)) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('the interop tap is a forward proxy: absolute-form requests only\n');
        return;
      }
      const target = new URL(url);
      if (!isLoopback(target.hostname)) {
        // Only servers on this machine are ever contacted: Chromium's own background
        // requests (network time, component updates) are refused here, unrecorded.
        refused += 1;
        res.writeHead(502, { 'content-type': 'text/plain' }).end('the interop tap only reaches loopback\n');
        return;
      }
      legs.push(leg);
      const up = upstream;
      const out = httpRequest(
        {
          agent,
          host: up ? up.host : target.hostname,
          port: up ? up.port : Number(target.port || 80),
          method: leg.method,
          // Absolute form to an upstream proxy (RFC 9112 §3.2.2), origin form otherwise.
          path: up ? url : target.pathname + target.search,
          headers: flat(reqHeaders),
          setHost: false,
        },
        (answer) => {
          /** @type {Buffer[]} */
          const body = [];
          answer.on('data', (c) => body.push(c));
          answer.on('end', () => {
            leg.status = answer.statusCode ?? 0;
            leg.statusText = answer.statusMessage ?? '';
            leg.respHeaders = pairs(answer.rawHeaders).filter((h) => !HOP.has(h.name.toLowerCase()));
            leg.respBody = Buffer.concat(body);
            leg.time = performance.now() - t0;
            const headers = leg.respHeaders.filter((h) => h.name.toLowerCase() !== 'content-length');
            const noBody = leg.method === 'HEAD' || leg.status === 204 || leg.status === 304;
            if (!noBody) headers.push({ name: 'Content-Length', value: String(leg.respBody.length) });
            res.writeHead(leg.status, leg.statusText, flat(headers));
            res.end(noBody ? undefined : leg.respBody);
          });
        },
      );
      out.on('error', (e) => {
        leg.error = e.message;
        leg.time = performance.now() - t0;
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`interop tap: ${e.message}\n`);
      });
      out.end(reqBody);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(null)));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    /** Chromium flags that send all of its traffic, loopback included, through the tap. */
    browserArgs: [`--proxy-server=http://127.0.0.1:${port}`, '--proxy-bypass-list=<-loopback>'],
    /** @param {{ host: string, port: number } | null} next forward to this proxy, or directly */
    setUpstream(next) {
      upstream = next;
    },
    /** Requests to hosts other than loopback, refused without a connection. */
    refused: () => refused,
    /** Requests received and not yet fully answered. */
    inflight: () => inflight,
    /** Every leg since the last call, in the order the requests arrived. */
    take() {
      const out = legs.sort((a, b) => a.seq - b.seq);
      legs = [];
      return out;
    },
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(null)));
    },
  };
}

/** @param {{name: string, value: string}[]} headers @param {string} name */
export const header = (headers, name) => headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

/**
 * The body as the browser's application sees it: content-decoded, as text when it is text.
 * @param {Buffer} raw
 * @param {{name: string, value: string}[]} headers
 * @returns {{ text: string, encoding?: 'base64' } | null}
 */
function bodyOf(raw, headers) {
  if (!raw.length) return null;
  let buf = raw;
  const ce = (header(headers, 'content-encoding') ?? '').toLowerCase();
  try {
    if (ce === 'gzip') buf = gunzipSync(raw);
    else if (ce === 'deflate') buf = inflateSync(raw);
    else if (ce === 'br') buf = brotliDecompressSync(raw);
  } catch {
    buf = raw;
  }
  const type = (header(headers, 'content-type') ?? '').toLowerCase();
  const textual = type === '' || /^text\/|json|xml|javascript|x-www-form-urlencoded/.test(type);
  return textual ? { text: buf.toString('utf8') } : { text: buf.toString('base64'), encoding: 'base64' };
}

/** @param {string | undefined} cookie */
function requestCookies(cookie) {
  if (!cookie) return [];
  return cookie
    .split(/;\s*/)
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? { name: '', value: pair } : { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
    });
}

/** @param {{name: string, value: string}[]} headers */
function responseCookies(headers) {
  return headers
    .filter((h) => h.name.toLowerCase() === 'set-cookie')
    .map((h) => {
      const [pair, ...attrs] = h.value.split(/;\s*/);
      const eq = pair.indexOf('=');
      /** @type {Record<string, any>} */
      const c = { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
      for (const a of attrs) {
        const eqa = a.indexOf('=');
        const key = (eqa < 0 ? a : a.slice(0, eqa)).toLowerCase();
        const v = eqa < 0 ? '' : a.slice(eqa + 1);
        if (key === 'path') c.path = v;
        else if (key === 'domain') c.domain = v;
        else if (key === 'expires' && !Number.isNaN(Date.parse(v))) c.expires = new Date(v).toISOString();
        else if (key === 'httponly') c.httpOnly = true;
        else if (key === 'secure') c.secure = true;
        else if (key === 'samesite') c.sameSite = v;
      }
      return c;
    });
}

/**
 * Chrome's `_resourceType`, from what the request says of itself (Fetch metadata,
 * https://w3c.github.io/webappsec-fetch-metadata/): a CORS preflight is an OPTIONS with
 * Access-Control-Request-Method (Fetch §4.8).
 * @param {Leg} leg
 */
function resourceType(leg) {
  if (leg.method === 'OPTIONS' && header(leg.reqHeaders, 'access-control-request-method')) return 'preflight';
  const mode = header(leg.reqHeaders, 'sec-fetch-mode');
  const dest = header(leg.reqHeaders, 'sec-fetch-dest');
  if (mode === 'navigate') return 'document';
  if (dest === 'empty' || !dest) return 'fetch';
  return dest;
}

/**
 * One HAR 1.2 entry per leg.
 * @param {Leg[]} legs
 * @param {(leg: Leg) => boolean} [keep]
 */
export function toHar(legs, keep = () => true) {
  const entries = legs.filter(keep).map((leg) => {
    const query = (() => {
      try {
        return [...new URL(leg.url).searchParams].map(([name, value]) => ({ name, value }));
      } catch {
        return [];
      }
    })();
    const reqBody = bodyOf(leg.reqBody, leg.reqHeaders);
    const respBody = bodyOf(leg.respBody, leg.respHeaders);
    return {
      _resourceType: resourceType(leg),
      ...(leg.error ? { _error: leg.error } : {}),
      startedDateTime: leg.started.toISOString(),
      time: Math.round(leg.time * 1000) / 1000,
      request: {
        method: leg.method,
        url: leg.url,
        httpVersion: 'HTTP/1.1',
        headers: leg.reqHeaders,
        queryString: query,
        cookies: requestCookies(header(leg.reqHeaders, 'cookie')),
        headersSize: -1,
        bodySize: leg.reqBody.length,
        ...(reqBody ? { postData: { mimeType: header(leg.reqHeaders, 'content-type') ?? '', text: reqBody.text } } : {}),
      },
      response: {
        status: leg.status,
        statusText: leg.statusText,
        httpVersion: 'HTTP/1.1',
        headers: leg.respHeaders,
        cookies: responseCookies(leg.respHeaders),
        content: {
          size: leg.respBody.length,
          mimeType: (header(leg.respHeaders, 'content-type') ?? '').split(';')[0].trim(),
          ...(respBody ?? {}),
        },
        redirectURL: header(leg.respHeaders, 'location') ?? '',
        headersSize: -1,
        bodySize: leg.respBody.length,
      },
      cache: {},
      timings: { send: 0, wait: Math.round(leg.time * 1000) / 1000, receive: 0 },
    };
  });
  return {
    log: {
      version: '1.2',
      creator: { name: 'AuthLens interop tap (Chromium through a recording proxy: one entry per wire leg)', version: '1' },
      entries,
    },
  };
}
