// The one place that knows Chrome and Firefox apart. Every difference is named here, with
// the reason, so the rest of the extension is written once.

/**
 * The WebExtension API. Firefox has the promise-based `browser` namespace (it also has
 * `chrome`, with callbacks); Chrome MV3 has `chrome`, whose APIs return promises too
 * except where noted below.
 * @type {typeof chrome}
 */
export const api = globalThis.browser ?? globalThis.chrome;

/** Only Firefox has runtime.getBrowserInfo (MDN: runtime.getBrowserInfo). */
export const isFirefox = typeof (/** @type {any} */ (api.runtime).getBrowserInfo) === 'function';

/**
 * `extraHeaders` makes Chrome show the headers it otherwise hides from webRequest
 * (Cookie, Set-Cookie, Authorization on some paths; developer.chrome.com webRequest
 * "extraHeaders"). Firefox shows them anyway and rejects the unknown option, so it is
 * feature-detected through the enum Chrome exposes.
 * @type {string[]}
 */
export const webRequestExtraHeaders =
  /** @type {any} */ (api.webRequest)?.OnSendHeadersOptions?.EXTRA_HEADERS ? ['extraHeaders'] : [];

/**
 * The inspected page's HAR log. Firefox's `browser` namespace only returns a promise;
 * Chrome returns one only since Chrome 151, so Chrome gets the callback form, which every
 * version has.
 * @returns {Promise<HARFormatLog>}
 */
export function getHar() {
  if (isFirefox) return api.devtools.network.getHAR();
  return new Promise((resolve) => api.devtools.network.getHAR(resolve));
}

/**
 * Evaluates `expression` in the inspected page and resolves with its value. Chrome's
 * devtools.inspectedWindow.eval takes a callback; Firefox's `browser` namespace returns a
 * promise of [result, exceptionInfo].
 * @param {string} expression
 * @returns {Promise<unknown>}
 */
export function evalInPage(expression) {
  if (isFirefox) {
    return /** @type {Promise<[unknown, unknown]>} */ (
      /** @type {any} */ (api.devtools.inspectedWindow).eval(expression)
    ).then(([result, error]) => {
      if (error) throw new Error(JSON.stringify(error));
      return result;
    });
  }
  return new Promise((resolve, reject) =>
    api.devtools.inspectedWindow.eval(expression, (result, error) =>
      error && (error.isError || error.isException) ? reject(new Error(error.value ?? error.description)) : resolve(result),
    ),
  );
}

/**
 * The response body of a live DevTools request, or null. Chrome's getContent takes a
 * callback of (content, encoding) (a promise of {content, encoding} only since Chrome
 * 151); Firefox's `browser` namespace returns a promise of [content, mimeType] (MDN:
 * devtools.network.onRequestFinished). Base64 (binary) bodies are not text: null.
 * @param {chrome.devtools.network.Request} request
 * @returns {Promise<string | null>}
 */
export function responseBody(request) {
  return new Promise((resolve) => {
    const text = (/** @type {unknown} */ content, /** @type {unknown} */ encoding) =>
      resolve(typeof content === 'string' && encoding !== 'base64' ? content : null);
    try {
      if (isFirefox) {
        /** @type {Promise<[unknown, unknown]>} */ (/** @type {any} */ (request).getContent())
          .then(([content]) => text(content, ''), () => resolve(null));
      } else {
        request.getContent((content, encoding) => text(content, encoding));
      }
    } catch {
      resolve(null);
    }
  });
}
