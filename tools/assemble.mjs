// Assembles the browser builds and the self-help page from the sources and the
// wasm-bindgen output in pkg/:
//   dist/chrome/   dist/firefox/   one manifest each: manifest.base.json + a patch below
//   dist/www/      the self-help page, served by `authlens lab` under /help/
// Plain Node (no bundler): the shipped JS is the source JS, as ES modules.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { writeCatalogue } from './findings-catalogue.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
// authlens_engine: the engine every surface loads; authlens: the engine and the HAR tools,
// loaded on demand (tools/build.sh). www needs only the second.
const pkgFiles = ['authlens_engine.js', 'authlens_engine_bg.wasm', 'authlens.js', 'authlens_bg.wasm'];
/** Files of extension/shared/ that www imports too: they must import nothing extension-only. */
const sharedWithWww = ['view.js', 'signature.js', 'signature-view.js', 'flow-view.js'];

/** The gecko id, also used by the e2e suite to pin the extension's UUID. */
export const GECKO_ID = 'authlens@authlens.dev';

/**
 * Per-browser manifest differences. Each one is small and says why it exists.
 * @type {Record<string, (manifest: any) => void>}
 */
const patches = {
  chrome(manifest) {
    // Chrome's MV3 background is a service worker (it ignores background.scripts).
    // `type: module` lets it import the wasm-bindgen glue statically: MV3 service
    // workers cannot use dynamic import().
    manifest.background = { service_worker: 'background/background.js', type: 'module' };
  },
  firefox(manifest) {
    // Firefox runs MV3 backgrounds as event pages, not service workers
    // (https://bugzil.la/1573659); a manifest with service_worker makes web-ext lint
    // warn BACKGROUND_SERVICE_WORKER_IGNORED, so Firefox gets its own key.
    manifest.background = { scripts: ['background/background.js'], type: 'module' };
    manifest.browser_specific_settings = {
      gecko: {
        id: GECKO_ID,
        // 140 is the ESR that has everything we use in MV3 (storage.session,
        // data_collection_permissions) — and AMO requires ≥ 140 for the latter.
        strict_min_version: '140.0',
        // AuthLens collects and transmits nothing: every analysis runs locally.
        data_collection_permissions: { required: ['none'] },
      },
      // Firefox for Android learnt data_collection_permissions in 142; without this key
      // web-ext lint warns that the gecko minimum (140) also applies to Android.
      gecko_android: { strict_min_version: '142.0' },
    };
  },
};

/**
 * @param {string} to
 * @param {string[]} files
 */
function copyPkg(to, files = pkgFiles) {
  mkdirSync(to, { recursive: true });
  for (const file of files) cpSync(join(root, 'pkg', file), join(to, file));
}

for (const [browser, patch] of Object.entries(patches)) {
  const out = join(dist, browser);
  rmSync(out, { recursive: true, force: true });
  cpSync(join(root, 'extension'), out, {
    recursive: true,
    filter: (src) => !src.endsWith('manifest.base.json'),
  });
  copyPkg(join(out, 'pkg'));
  const manifest = JSON.parse(readFileSync(join(root, 'extension', 'manifest.base.json'), 'utf8'));
  patch(manifest);
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}

const www = join(dist, 'www');
rmSync(www, { recursive: true, force: true });
cpSync(join(root, 'www'), www, { recursive: true });
// The rendering helpers the panel, the popup and www share (extension/shared/view.js):
// www imports them as ./shared/view.js, which sits next to ./pkg/ as in the extension.
for (const file of sharedWithWww) cpSync(join(root, 'extension', 'shared', file), join(www, 'shared', file));
// www loads only the module with the HAR tools (www/app.js, www/har-worker.js).
copyPkg(join(www, 'pkg'), ['authlens.js', 'authlens_bg.wasm']);
// The challenge parameters' explanations, shared with the panel (one text per parameter).
cpSync(join(root, 'extension', '_locales', 'en', 'messages.json'), join(www, 'messages.json'));
const codes = await writeCatalogue(root, join(www, 'findings.json'));
// The extension ships the assembled page too (help/index.html, with its own copy of the
// core), so that the popup's "Help" link works offline and without the lab (issue #14,
// item 5).
for (const browser of Object.keys(patches)) {
  const help = join(dist, browser, 'help');
  cpSync(www, help, { recursive: true });
  // One copy of the Wasm in the store zip, not two (issue #17: each zip ≤ 500 KB): the
  // extension's help/ loads the module of the extension's pkg/, one folder up.
  rmSync(join(help, 'pkg'), { recursive: true });
  for (const [file, from, to] of [['app.js', "'./pkg/", "'../pkg/"], ['har-worker.js', "'./pkg/", "'../pkg/"], ['sw.js', "'pkg/", "'../pkg/"]]) {
    const text = readFileSync(join(help, file), 'utf8');
    if (!text.includes(from)) throw new Error(`assemble: www/${file} no longer loads ${from}…: update this rewrite`);
    writeFileSync(join(help, file), text.replaceAll(from, to));
  }
}
console.log(`dist/www/findings.json: ${codes} finding codes, from the core`);
console.log(`assembled ${Object.keys(patches).map((b) => `dist/${b}/`).join(', ')} and dist/www/`);
