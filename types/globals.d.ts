// Firefox's promise-based WebExtension namespace. Its API matches Chrome's closely enough
// for what AuthLens uses; the differences are handled in extension/shared/browser.js.
declare var browser: typeof chrome | undefined;
