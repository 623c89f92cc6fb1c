// A HAR entry as the engine reads it (issue #17: pass bytes or JSON text, and read only
// what is needed). No imports: the panel, the bench page and the Node tests share it.

/** @typedef {import('../pkg/authlens_engine.js').HarEntryLike} HarEntryLike */

const encoder = new TextEncoder();

/**
 * The fields of a HAR entry the core reads (`HarEntryLike`, and `src/har.rs`): a DevTools
 * entry also carries its initiator's stack, timings, cookies parsed twice, the query
 * string parsed and more, a third of its JSON text, which the core would only read past.
 * Copying the few fields is faster than `JSON.stringify` writing the rest (7.3 against
 * 11.9 µs per lab entry in Node 20). tests/e2e/entry.test.mjs proves the engine gives the
 * same annotation either way, so this list cannot fall behind the core's.
 * @param {any} entry a HAR entry (DevTools' or a file's)
 * @returns {HarEntryLike}
 */
export function entryFields(entry) {
  const { request, response } = entry;
  const content = response?.content;
  return {
    startedDateTime: entry.startedDateTime,
    _resourceType: entry._resourceType,
    request: request && { method: request.method, url: request.url, headers: request.headers, postData: request.postData },
    response: response && {
      status: response.status,
      headers: response.headers,
      redirectURL: response.redirectURL,
      content: content && { size: content.size, mimeType: content.mimeType, encoding: content.encoding, text: content.text },
    },
  };
}

/**
 * The UTF-8 bytes of the JSON text of an entry's fields, for `Inspector.observeHarEntryJson`
 * and `Inspector.annotation`: wasm-bindgen copies a string into Wasm one character at a
 * time, bytes in one copy.
 * @param {any} entry
 */
export function entryBytes(entry) {
  return encoder.encode(JSON.stringify(entryFields(entry)));
}
