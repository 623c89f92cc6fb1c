// The self-help page offline: the page's own files are cached on install and served from
// the cache first (stale-while-revalidate), so it opens without a network after the first
// visit. Only same-origin GETs of this folder are handled; the page makes no other request.
const CACHE = 'authlens-help-v2';
const FILES = [
  './', 'index.html', 'app.js', 'detect.js', 'guide.js', 'har-worker.js', 'style.css', 'favicon.svg',
  'messages.json', 'findings.json', 'shared/view.js', 'shared/signature.js', 'shared/signature-view.js', 'shared/flow-view.js', 'pkg/authlens.js', 'pkg/authlens_bg.wasm',
];

// tsconfig's lib has no WebWorker types (the DOM ones clash with them): the little used here.
/**
 * @typedef {{ waitUntil(p: Promise<unknown>): void }} ExtendableEvent
 * @typedef {ExtendableEvent & { request: Request, respondWith(r: Promise<Response>): void }} FetchEvent
 * @typedef {{ addEventListener(type: string, listener: (event: any) => void): void, skipWaiting(): Promise<void>, clients: { claim(): Promise<void> } }} ServiceWorkerScope
 */
const worker = /** @type {ServiceWorkerScope} */ (/** @type {unknown} */ (self));

worker.addEventListener('install', (/** @type {ExtendableEvent} */ event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => worker.skipWaiting()));
});

worker.addEventListener('activate', (/** @type {ExtendableEvent} */ event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (/** @type {FetchEvent} */ event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || !url.pathname.startsWith(new URL('./', location.href).pathname)) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(event.request, { ignoreSearch: true });
      const fresh = fetch(event.request)
        .then((response) => {
          if (response.ok) cache.put(event.request, response.clone());
          return response;
        })
        .catch(() => undefined);
      if (cached) {
        event.waitUntil(fresh);
        return cached;
      }
      return (await fresh) ?? new Response('offline', { status: 503, statusText: 'offline' });
    }),
  );
});
