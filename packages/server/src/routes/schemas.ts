import { z } from 'zod';

/** API.md `user`. Response schemas double as filters: fields not listed never leave. */
export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  name: z.string().nullable(),
  status: z.string(),
  roles: z.array(z.string()),
  mfaEnabled: z.boolean(),
  createdAt: z.string(),
});

export const tokenPairSchema = z.object({
  accessToken: z.string(),
  // Absent for a browser in cookie mode: the refresh token is then only in its HttpOnly cookie.
  refreshToken: z.string().optional(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  sessionId: z.string(),
  user: userSchema,
});

/** API.md: a sign-in waiting for its second factor; no session exists yet. */
export const mfaRequiredSchema = z.object({
  mfaRequired: z.literal(true),
  challengeId: z.string(),
  methods: z.array(z.string()),
});

export const sessionSchema = z.object({
  id: z.string(),
  current: z.boolean(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  ip: z.string(),
  userAgent: z.string(),
  amr: z.array(z.string()),
});

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    code: z.string(),
    requestId: z.string(),
    detail: z.string().optional(),
    reason: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .describe('RFC 9457 problem document');

/** Emails: generous but bounded (RFC 5321 caps a path at 254 octets). */
export const emailSchema = z.string().trim().min(3).max(254).email();

/** Passwords: bounded in bytes before any policy (the policy counts code points after NFKC). */
export const passwordSchema = z.string().min(1).max(4096);

/** 204 responses have no body. */
export const noContent = z.null().describe('No content');

export const toIso = (ms: number) => new Date(ms).toISOString();

/** The problem answers of the second-factor routes (each documents its own success). */
export const factorFailures = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
  429: problemSchema,
};
