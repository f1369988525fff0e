/** RFC 8176 authentication method references Gatehouse emits. */
export type AuthMethod = 'pwd' | 'otp' | 'sms' | 'hwk' | 'swk' | 'mfa' | 'email' | 'fed';

/**
 * The access token's claims (API.md "Tokens"). `tid` is present only when
 * multi-tenancy is on. Versions (`rv`, `pv`, `av`) let strict validation reject a
 * token issued before a role, permission or account change.
 */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  sid: string;
  tid?: string;
  iat: number;
  exp: number;
  jti: string;
  auth_time: number;
  amr: AuthMethod[];
  rv: number;
  pv: number;
  av: number;
  roles: string[];
  /** Compact permission mask (base64url bitset; empty until RBAC defines permissions). */
  perms: string;
}

/** What the issuer needs; the rest (iss, aud, iat, exp, jti) it fills in. */
export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
  tenant: string;
  authTime: number;
  amr: AuthMethod[];
  roleVersion: number;
  permissionVersion: number;
  accountVersion: number;
  roles: string[];
  perms?: string;
}
