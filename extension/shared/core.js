// Loads the AuthLens core (Rust compiled to Wasm) once per page or worker.
// The glue is imported statically: Chrome's MV3 service worker forbids dynamic import().
// Importing a glue costs its JS only; a module's Wasm is fetched and compiled on first load.
//
// Two modules (tools/build.sh, issue #17):
// - the engine (pkg/authlens_engine*): parsers and Inspector, what every surface needs;
//   its size is a budget (tools/check-sizes.sh);
// - the engine with the HAR tools (pkg/authlens*): diagnoseHar, markdownReport,
//   sanitizeHar. Load it only when a HAR is read or exported.
import initEngine, * as engine from '../pkg/authlens_engine.js';
import initHarTools, * as harTools from '../pkg/authlens.js';

/** @type {Promise<typeof engine> | undefined} */
let engineLoading;
/** @type {Promise<typeof harTools> | undefined} */
let harToolsLoading;

/** The initialised engine. Resolves once; later calls share the same instance. */
export function loadEngine() {
  engineLoading ??= initEngine({
    module_or_path: new URL('../pkg/authlens_engine_bg.wasm', import.meta.url),
  }).then(() => engine);
  return engineLoading;
}

/**
 * The initialised module with the HAR tools (and its own engine: an Inspector made from
 * it is not the engine's). Resolves once.
 */
export function loadHarTools() {
  harToolsLoading ??= initHarTools({
    module_or_path: new URL('../pkg/authlens_bg.wasm', import.meta.url),
  }).then(() => harTools);
  return harToolsLoading;
}
