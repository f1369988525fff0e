import type { AddressInfo } from 'node:net';
import express from 'express';
import { gatehouse } from '@gatehouse/express';
import type { RemoteVerifierOptions } from '@gatehouse/core';
import {
  describeMiddlewareContract,
  type MountedApp,
} from '../../fastify/test/helpers/middleware-contract.js';

/** An Express app with the middleware and the contract's three routes, listening on a loopback port. */
async function mountExpress(options: RemoteVerifierOptions): Promise<MountedApp> {
  const app = express();
  const auth = gatehouse(options);
  app.get('/me', auth, (req, res) => {
    res.json(req.auth);
  });
  app.get('/admin', auth.requireRole('admin'), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/sensitive', auth, auth.requireStepUp(), (_req, res) => {
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describeMiddlewareContract('Express', mountExpress, { multiTenant: false });
