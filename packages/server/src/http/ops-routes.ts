import { randomUUID } from 'node:crypto';
import { type RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import type { ServerMetrics } from '../ops/metrics.js';
import type { Readiness } from '../ops/readiness.js';

/** A request id given by a proxy (nginx `$request_id`) is kept when it looks like one; otherwise we make one. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** Gives every request an id (`X-Request-Id`, echoed in the response) and logs it at debug level. */
export function requestIds(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const id = given && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.debug(
        { reqId: id, method: req.method, path: req.path, status: res.statusCode, ms },
        'http request',
      );
    });
    next();
  };
}

/**
 * `GET /readyz`: 200 when this node should get new clients, 503 with the reasons otherwise (for a load
 * balancer's health check). `GET /metrics`: Prometheus text format.
 */
export function createOpsRouter(metrics: ServerMetrics, readiness: Readiness): Router {
  const router = Router();
  router.get('/readyz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (readiness.ready) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'not-ready', reasons: readiness.reasons });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
