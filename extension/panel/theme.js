// The panel follows DevTools' theme, live, and sets it before the core loads: panel.html
// loads this module before panel.js, and panel.css already picks colours from
// prefers-color-scheme, so there is no white flash while the Wasm compiles.
//
// - Chrome: devtools.panels.themeName is the theme at load ("default" or "dark"), and
//   setThemeChangeHandler() reports each change (developer.chrome.com
//   docs/extensions/reference/api/devtools/panels#method-setThemeChangeHandler). With
//   DevTools on "system preference" the handler reports the system's choice. Before the
//   first report panel.css falls back to prefers-color-scheme.
// - Firefox: devtools.panels.themeName plus the onThemeChanged event (MDN:
//   devtools.panels.onThemeChanged); Firefox has no setThemeChangeHandler.
import { api } from '../shared/browser.js';

const panels = /** @type {any} */ (api.devtools.panels);

/** @param {unknown} name */
function apply(name) {
  document.documentElement.dataset.theme = name === 'dark' ? 'dark' : 'light';
}

apply(panels.themeName);
if (panels.onThemeChanged?.addListener) {
  panels.onThemeChanged.addListener(apply);
} else if (typeof panels.setThemeChangeHandler === 'function') {
  panels.setThemeChangeHandler(apply);
}
