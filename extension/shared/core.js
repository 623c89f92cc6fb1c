// Loads the AuthLens core (Rust compiled to Wasm) once per page or worker.
// The glue is imported statically: Chrome's MV3 service worker forbids dynamic import().
import init, * as core from '../pkg/authlens.js';

/** @type {Promise<typeof core> | undefined} */
let loading;

/** The initialised core module. Resolves once; later calls share the same instance. */
export function loadCore() {
  loading ??= init({ module_or_path: new URL('../pkg/authlens_bg.wasm', import.meta.url) }).then(
    () => core,
  );
  return loading;
}
