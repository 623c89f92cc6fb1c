// Every user-visible string comes from _locales (i18n.getMessage).
import { api } from './browser.js';

/**
 * @param {string} key a message name in _locales/<lang>/messages.json
 * @param {string | string[]} [substitutions]
 */
export function t(key, substitutions) {
  return api.i18n.getMessage(key, substitutions) || key;
}

/** Fills every `[data-i18n]` element's text (and `[data-i18n-label]` aria-label) in `root`. */
export function localize(root = document) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(/** @type {HTMLElement} */ (element).dataset.i18n ?? '');
  }
  for (const element of root.querySelectorAll('[data-i18n-label]')) {
    element.setAttribute('aria-label', t(/** @type {HTMLElement} */ (element).dataset.i18nLabel ?? ''));
  }
}
