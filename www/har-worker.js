// Reads a HAR file and runs the core on it off the page's main thread, so that a file of
// hundreds of megabytes never freezes the page. The file stays here (it holds secrets)
// until the page asks for a sanitized copy or a report: only results and those copies
// go back.
import init, { diagnoseHarWithProgress, markdownReport, sanitizeHar } from './pkg/authlens.js';

const ready = init({ module_or_path: new URL('./pkg/authlens_bg.wasm', import.meta.url) });

/** The file's bytes, kept for the downloads. Bytes, not text: they cross into the Wasm
 * module in one copy, where a string is encoded character by character (issue #17). */
let bytes = new Uint8Array(0);
let name = 'har';

/** @param {unknown} message */
function post(message) {
  /** @type {any} */ (self).postMessage(message);
}

/**
 * Reads the file in chunks (Blob.stream) into one buffer, reporting bytes read. The core
 * reads UTF-8, the HAR format's encoding (HAR 1.2 spec: "the file must be saved in
 * UTF-8"), so the bytes are not decoded here at all.
 * @param {Blob} file
 */
async function read(file) {
  const out = new Uint8Array(file.size);
  const reader = file.stream().getReader();
  let done = 0;
  let last = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    // A file that grew while it was read: what fits is read, as `file.size` promised.
    const part = chunk.value.subarray(0, Math.max(0, out.length - done));
    out.set(part, done);
    done += part.byteLength;
    if (done - last >= 1 << 20) {
      last = done;
      post({ type: 'progress', phase: 'read', done, total: file.size });
    }
  }
  return out.subarray(0, done);
}

self.addEventListener('message', async (event) => {
  const message = /** @type {MessageEvent} */ (event).data;
  try {
    await ready;
    if (message.type === 'diagnose') {
      name = message.name ?? 'har';
      bytes = message.file ? await read(message.file) : new TextEncoder().encode(String(message.text ?? ''));
      // The core reports UTF-8 bytes read.
      const total = bytes.length;
      post({ type: 'progress', phase: 'diagnose', done: 0, total });
      const started = performance.now();
      const report = diagnoseHarWithProgress(bytes, (done) => post({ type: 'progress', phase: 'diagnose', done, total }));
      post({ type: 'report', report, bytes: total, millis: performance.now() - started });
    } else if (message.type === 'sanitize') {
      const key = crypto.getRandomValues(new Uint32Array(4));
      const clean = sanitizeHar(bytes, false, key);
      post({ type: 'download', what: 'sanitized', blob: new Blob([clean], { type: 'application/json' }), name: `${name}-sanitized.har` });
    } else if (message.type === 'markdown') {
      const report = markdownReport(bytes, `${name}.har`);
      post({ type: 'download', what: 'markdown', blob: new Blob([report], { type: 'text/markdown' }), name: `${name}-report.md` });
    }
  } catch (error) {
    post({ type: 'error', phase: message.type, message: error instanceof Error ? error.message : String(error) });
  }
});
