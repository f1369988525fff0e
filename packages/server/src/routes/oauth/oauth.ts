import type { FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { AuthEngine } from '@gatehouse/core';
import { oauthAccountRoutes } from './accounts.js';
import { bindingCookie } from './binding-cookie.js';
import { oauthSignInRoutes } from './sign-in.js';

/**
 * The `/api/v1/oauth` area. Cookies are parsed only here (the binding cookie); the rest of
 * the API is bearer-only and never reads one.
 */
export async function oauthRoutes(app: FastifyInstance, engine: AuthEngine): Promise<void> {
  // Cookie mode registers cookie parsing for the whole app already.
  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  const cookie = bindingCookie(engine.gatehouse.config);
  await oauthSignInRoutes(app, engine, cookie);
  await oauthAccountRoutes(app, engine, cookie);
}
