import { existsSync } from 'node:fs';
import path from 'node:path';
import { roomIdSchema } from '@kopru/protocol';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { AppDeps } from '../deps.js';

/**
 * Strict CSP: only our own scripts, styles and connections. `data:`/`blob:` images are the invite QR code
 * and received image previews; `blob:` media is the remote/local call streams; workers come from our origin.
 */
export const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    mediaSrc: ["'self'", 'blob:'],
    connectSrc: ["'self'"],
    workerSrc: ["'self'", 'blob:'],
    fontSrc: ["'self'"],
    manifestSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/** `operations`: handlers mounted before everything else (request ids, `/metrics`, `/readyz`). */
export function createHttpApp(
  deps: AppDeps,
  startedAt: number,
  operations: readonly RequestHandler[] = [],
): Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  for (const handler of operations) app.use(handler);
  app.use(
    helmet({
      contentSecurityPolicy: CONTENT_SECURITY_POLICY,
      // Camera, microphone and screen capture are what this app is for; everything else stays off.
      crossOriginEmbedderPolicy: false,
      // Helmet's default, stated because the invite-link key depends on it: a link clicked in a chat
      // carries no Referer at all (a fragment is never in one anyway, but not even the room id leaks).
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use((_req, res, next) => {
    res.setHeader(
      'Permissions-Policy',
      'camera=(self), microphone=(self), display-capture=(self), geolocation=()',
    );
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round((deps.clock.now() - startedAt) / 1000) });
  });

  // What the page needs to know before it starts: whether installing (a service worker) can work here.
  app.get('/app.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json({ serviceWorker: deps.serviceWorker ?? true });
  });

  // A new room: an unguessable id made here. `#new` (kept by browsers across the redirect, never sent
  // back): the page makes the room's invite-link key itself, so the server never learns it
  // (docs/security.md#invite-link-proof).
  app.get('/new', (_req, res) => {
    res.redirect(302, `/r/${deps.ids.roomId()}#new`);
  });

  // The manifest's share target without a service worker (a self-signed server, or before it installed):
  // nothing can be kept, so the home screen says so. With one, the worker answers and this never runs.
  app.post('/share', (_req, res) => {
    res.redirect(303, '/?share=unavailable');
  });

  const webDir = deps.webDir;
  const indexHtml = webDir ? path.join(webDir, 'index.html') : undefined;
  if (webDir && indexHtml && existsSync(indexHtml)) {
    app.use(
      '/assets',
      express.static(path.join(webDir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }),
    );
    app.use(
      express.static(webDir, {
        index: false,
        maxAge: '1h',
        // The service worker and the manifest name the current build: a browser must always ask for them.
        setHeaders: (res, file) => {
          if (/[\\/](sw\.js|manifest\.webmanifest)$/.test(file)) res.setHeader('Cache-Control', 'no-cache');
        },
      }),
    );
    const shell: RequestHandler = (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(indexHtml);
    };
    // The home screen (Nearby, recent rooms, Start a room).
    app.get('/', shell);
    app.get('/r/:roomId', (req, res, next) => {
      if (!roomIdSchema.safeParse(req.params.roomId).success) {
        res.redirect(302, '/');
        return;
      }
      shell(req, res, next);
    });
  } else {
    app.get(['/', '/r/:roomId'], (_req, res) => {
      res.status(503).type('text').send('The web app is not built: run `npm run build`.');
    });
  }

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such page' } });
  });
  return app;
}
