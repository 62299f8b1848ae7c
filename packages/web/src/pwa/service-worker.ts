/// <reference lib="webworker" />
/**
 * Köprü's service worker: serves the app shell when the network is gone, and nothing else. socket.io,
 * `/new`, the health and metrics endpoints and every other request go to the network untouched, so no
 * signaling message or server answer is ever cached. Built by vite.config.ts into `/sw.js`, with the
 * build's files (`PRECACHE`) and a version that changes with them, so a deploy installs a new worker
 * that waits until the page asks it to take over ("Reload to update").
 */

import { putShare, shareFromForm } from './share-store.js';

declare const PRECACHE: readonly string[];
declare const VERSION: string;

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `kopru-shell-${VERSION}`;
/** The page every navigation falls back to offline: the app decides what to show from the URL. */
const SHELL = '/';
const PRECACHED = new Set(PRECACHE);

sw.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([SHELL, ...PRECACHE])));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith('kopru-shell-') && key !== CACHE) await caches.delete(key);
      }
      // The first worker takes the open page at once; later ones wait for "Reload to update".
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'skip-waiting') void sw.skipWaiting();
});

/** A navigation to the app (home or a room): the network first, the cached shell when it fails. */
async function navigate(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch {
    return (await caches.match(SHELL, { cacheName: CACHE })) ?? Response.error();
  }
}

/** The manifest's `share_target` action: where the share sheet POSTs what the user shared. */
const SHARE_ACTION = '/share';

/**
 * The share sheet's POST (multipart: title, text, url, files): kept in IndexedDB, then the home screen
 * opens with `?share=<id>` and offers it ("Send to…"). A share that cannot be kept (the browser's storage
 * quota) is refused whole, and the page says so.
 */
async function receiveShare(request: Request): Promise<Response> {
  let where = '/?share=unavailable';
  try {
    const share = shareFromForm(await request.formData(), crypto.randomUUID(), Date.now());
    try {
      await putShare(share);
      where = `/?share=${share.id}`;
    } catch (error) {
      if (error instanceof DOMException && error.name === 'QuotaExceededError') where = '/?share=too-large';
      else throw error;
    }
  } catch (error) {
    console.error('share not received', error);
  }
  return Response.redirect(where, 303);
}

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  if (request.method === 'POST' && url.pathname === SHARE_ACTION) {
    event.respondWith(receiveShare(request));
    return;
  }
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate' && (url.pathname === '/' || url.pathname.startsWith('/r/'))) {
    event.respondWith(navigate(request));
  } else if (PRECACHED.has(url.pathname)) {
    // Hashed build files never change under a name: the cached copy is the right one.
    event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
  }
});
