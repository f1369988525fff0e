import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { GatehouseConfig } from '@gatehouse/core';
import { OAUTH_PATH } from '../links.js';

/**
 * The short-lived cookie `state` is bound to (API.md `gh_oauth`): a callback must come from
 * the browser that started the attempt, which defeats login CSRF (an attacker's code and
 * state delivered to the victim's browser). HttpOnly, SameSite=Lax (the provider's redirect
 * back is a top-level navigation, which Lax allows), alive as long as the attempt.
 *
 * Over HTTPS it is `__Host-gh_oauth`: the prefix makes browsers refuse it unless it is Secure,
 * host-only and Path=/ (so a sibling subdomain cannot plant one); the prefix requires Path=/.
 * Over plain HTTP (development) it is `gh_oauth`, scoped to the OAuth routes.
 */
export interface BindingCookie {
  set(reply: FastifyReply, value: string): FastifyReply;
  read(request: FastifyRequest): string | undefined;
  clear(reply: FastifyReply): FastifyReply;
}

export function bindingCookie(config: GatehouseConfig): BindingCookie {
  const secure = config.server.publicUrl.startsWith('https://');
  const name = secure ? '__Host-gh_oauth' : 'gh_oauth';
  const options: CookieSerializeOptions = {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: secure ? '/' : OAUTH_PATH,
  };
  return {
    set: (reply, value) => reply.setCookie(name, value, { ...options, maxAge: config.oauth.stateTtlSeconds }),
    read: (request) => request.cookies[name],
    clear: (reply) => reply.clearCookie(name, options),
  };
}
