// Settings, in storage.local: never a secret (a tolerance, a bound, sign-in URLs and
// expected audience/issuer by site, the list's layout).
import { api, evalInPage } from '../shared/browser.js';

/**
 * @typedef {object} Settings
 * @property {number} toleranceSeconds
 * @property {number} maxRows
 * @property {Record<string, string>} signIn
 * @property {Record<string, string>} audience
 * @property {Record<string, string>} issuer
 * @property {Partial<Record<import('./model.js').Column, number>>} widths
 * @property {import('./model.js').Column[]} hidden
 * @property {number | null} split  the list pane's share of the split, 0..1
 */

/** @type {Settings} */
export const DEFAULTS = { toleranceSeconds: 60, maxRows: 20_000, signIn: {}, audience: {}, issuer: {}, widths: {}, hidden: [], split: null };

/** @returns {Promise<Settings>} */
export async function loadSettings() {
  const stored = /** @type {{settings?: Partial<Settings>}} */ (await api.storage.local.get('settings'));
  const settings = { ...DEFAULTS, ...stored.settings };
  settings.signIn = { ...settings.signIn };
  settings.audience = { ...settings.audience };
  settings.issuer = { ...settings.issuer };
  settings.widths = { ...settings.widths };
  if (!Array.isArray(settings.hidden)) settings.hidden = [];
  return settings;
}

/** @param {Settings} settings */
export function saveSettings(settings) {
  return api.storage.local.set({ settings });
}

/**
 * The settings form. `origin()` says which site the per-site values are for.
 * @param {Settings} settings
 * @param {() => string | null} selectedOrigin the selected request's origin, if any
 * @param {(settings: Settings) => void} applied
 */
export function settingsForm(settings, selectedOrigin, applied) {
  const dialog = /** @type {HTMLElement} */ (document.getElementById('settings'));
  const button = /** @type {HTMLButtonElement} */ (document.getElementById('settings-button'));
  const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
  const tolerance = input('setting-tolerance');
  const maxRows = input('setting-max-rows');
  const signIn = input('setting-sign-in');
  const audience = input('setting-audience');
  const issuer = input('setting-issuer');
  const result = /** @type {HTMLElement} */ (document.getElementById('settings-result'));

  const origin = async () => selectedOrigin() ?? new URL(/** @type {string} */ (await evalInPage('location.href'))).origin;

  button.addEventListener('click', async () => {
    const open = dialog.hidden;
    dialog.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (!open) return;
    const site = await origin();
    tolerance.value = String(settings.toleranceSeconds);
    maxRows.value = String(settings.maxRows);
    signIn.value = settings.signIn[site] ?? '';
    audience.value = settings.audience[site] ?? '';
    issuer.value = settings.issuer[site] ?? '';
    /** @type {HTMLElement} */ (document.getElementById('settings-site')).textContent = site;
    delete result.dataset.saved;
    result.textContent = '';
  });
  document.getElementById('settings-close')?.addEventListener('click', () => {
    dialog.hidden = true;
    button.setAttribute('aria-expanded', 'false');
  });

  document.getElementById('settings-form')?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const site = await origin();
    settings.toleranceSeconds = Math.max(0, Math.min(86_400, Number(tolerance.value) || DEFAULTS.toleranceSeconds));
    settings.maxRows = Math.max(100, Math.min(100_000, Number(maxRows.value) || DEFAULTS.maxRows));
    const url = signIn.value.trim();
    if (url && /^https?:\/\//.test(url)) settings.signIn[site] = url;
    else delete settings.signIn[site];
    for (const [map, field] of /** @type {[Record<string, string>, HTMLInputElement][]} */ ([[settings.audience, audience], [settings.issuer, issuer]])) {
      if (field.value.trim()) map[site] = field.value.trim();
      else delete map[site];
    }
    await saveSettings(settings);
    applied(settings);
    result.dataset.saved = 'true';
    result.textContent = '✓';
  });
}
