// Reads a HAR file and runs the core on it off the page's main thread, so that a file of
// hundreds of megabytes never freezes the page. The text stays here (it holds secrets)
// until the page asks for a sanitized copy or a report: only results and those copies
// go back.
import init, { diagnoseHarWithProgress, markdownReport, sanitizeHar } from './pkg/authlens.js';

const ready = init({ module_or_path: new URL('./pkg/authlens_bg.wasm', import.meta.url) });

/** The file's text, kept for the downloads. */
let text = '';
let name = 'har';

/** @param {unknown} message */
function post(message) {
  /** @type {any} */ (self).postMessage(message);
}

/**
 * Reads the file in chunks (Blob.stream), reporting bytes read. UTF-8 is the HAR format's
 * encoding (HAR 1.2 spec: "the file must be saved in UTF-8").
 * @param {Blob} file
 */
async function read(file) {
  const decoder = new TextDecoder('utf-8');
  const reader = file.stream().getReader();
  const parts = [];
  let done = 0;
  let last = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    parts.push(decoder.decode(chunk.value, { stream: true }));
    done += chunk.value.byteLength;
    if (done - last >= 1 << 20) {
      last = done;
      post({ type: 'progress', phase: 'read', done, total: file.size });
    }
  }
  parts.push(decoder.decode());
  return parts.join('');
}

self.addEventListener('message', async (event) => {
  const message = /** @type {MessageEvent} */ (event).data;
  try {
    await ready;
    if (message.type === 'diagnose') {
      name = message.name ?? 'har';
      text = message.file ? await read(message.file) : String(message.text ?? '');
      // The core reports UTF-8 bytes read; a file's size is that count (no 100 MB re-encode).
      const total = message.file ? message.file.size : new TextEncoder().encode(text).length;
      post({ type: 'progress', phase: 'diagnose', done: 0, total });
      const started = performance.now();
      const report = diagnoseHarWithProgress(text, (done) => post({ type: 'progress', phase: 'diagnose', done, total }));
      post({ type: 'report', report, bytes: total, millis: performance.now() - started });
    } else if (message.type === 'sanitize') {
      const key = crypto.getRandomValues(new Uint32Array(4));
      const clean = sanitizeHar(text, false, key);
      post({ type: 'download', what: 'sanitized', blob: new Blob([clean], { type: 'application/json' }), name: `${name}-sanitized.har` });
    } else if (message.type === 'markdown') {
      const report = markdownReport(text, `${name}.har`);
      post({ type: 'download', what: 'markdown', blob: new Blob([report], { type: 'text/markdown' }), name: `${name}-report.md` });
    }
  } catch (error) {
    post({ type: 'error', phase: message.type, message: error instanceof Error ? error.message : String(error) });
  }
});
