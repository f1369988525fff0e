/** `server`: the HTTP listener, what it accepts, and the operators' endpoints. */
import * as z from 'zod';

import { isDomain, isHttpBaseUrl, isIpOrCidr, isOrigin, isOriginOrWildcard } from '../checks.js';
import { checked, int, nonEmpty } from '../schema-kit.js';

export const serverSchema = z.strictObject({
  // Listen address. Resolved: 127.0.0.1 in development/test (never exposed by
  // accident), 0.0.0.0 in production (containers must be reachable).
  host: nonEmpty.optional(),
  // Listen port; 3000 is the conventional Node development port.
  port: int(1, 65535).default(3000),
  // Public base URL (links, callbacks, token `iss`, WebAuthn origin). Resolved:
  // http://localhost:<port>, which only suits development; lint wants https in production.
  publicUrl: checked(isHttpBaseUrl, 'an http(s) URL without credentials, query or fragment').optional(),
  // Peers whose x-forwarded-for is believed. None by default: trusting a
  // header you did not set lets any client pick its own IP and dodge rate limits.
  trustedProxies: z
    .array(checked(isIpOrCidr, 'an IP address, a CIDR block, or loopback/linklocal/uniquelocal'))
    .default([]),
  // Exact origins allowed by CORS. Empty = CORS off (same-origin only), the
  // safe default; '*' is accepted but linted.
  corsOrigins: z
    .array(checked(isOriginOrWildcard, "an origin like https://app.example.com (no path), or '*'"))
    .default([]),
  // Origins `redirectTo` may point at (magic links, OAuth): exact scheme, host and port.
  // Resolved: the public URL's origin. Anything else is refused (no open redirects).
  redirectOrigins: z
    .array(checked(isOrigin, 'an origin like https://app.example.com (no path, no wildcard)'))
    .default([]),
  // Largest accepted request body outside auth routes: 1 MiB (API.md).
  bodyLimitBytes: int(1).default(1_048_576),
  // Largest body for /auth/* and /users/*: 64 KiB (API.md), rejected before
  // any parsing or hashing so huge passwords cannot burn CPU.
  authBodyLimitBytes: int(1).default(65_536),
  // How long shutdown waits for in-flight requests; 10 s fits under the 30 s
  // grace period Kubernetes and most orchestrators give before SIGKILL.
  shutdownGraceMs: int(0).default(10_000),
  // Log verbosity (pino levels). 'info' logs requests without bodies.
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // How long /health/ready waits for each backend before reporting it down;
  // 2 s is below typical load-balancer probe timeouts.
  readinessTimeoutMs: int(1).default(2_000),
  // A second listener for the operators' endpoints (/metrics, /docs). Unset = they are
  // served on the API port. Set, the API port no longer answers them.
  metricsPort: int(1, 65535).optional(),
  // Where that listener binds: loopback, so only the host (a local agent or sidecar) can
  // scrape it; set an internal address to scrape from elsewhere.
  metricsHost: nonEmpty.default('127.0.0.1'),
  // A bearer token /metrics and /docs require (`Authorization: Bearer <token>`), on
  // whichever listener serves them. At least 32 characters, e.g. `openssl rand -hex 32`.
  metricsToken: z.string().min(32).optional(),
  // The OpenAPI UI and document (/docs, /docs/json). Resolved: on, except in production,
  // where they stay off unless enabled (API.md).
  docs: z.boolean().optional(),
  // Browser (cookie) mode, API.md: for requests from a browser (ones carrying a Gatehouse
  // cookie), the refresh token travels only in an HttpOnly cookie and mutating requests need
  // a CSRF token. Bearer-only clients are unaffected. Off by default: API clients need nothing.
  cookieMode: z.boolean().default(false),
  // How those cookies are set: 'production' (Secure, __Host- prefix, SameSite=Lax),
  // 'preview' (Secure, host-only, SameSite=None for cross-site preview hosts) or
  // 'development' (plain http://localhost: no prefix, no Secure). Resolved: 'development'
  // for an http:// public URL, else 'production'.
  cookiePolicy: z.enum(['production', 'preview', 'development']).optional(),
  // A parent domain (e.g. example.com) when apps on subdomains share the session: the
  // cookies then carry Domain and the __Secure- prefix. Only with cookiePolicy 'production'.
  cookieDomain: checked(isDomain, 'a domain name like example.com').optional(),
});
