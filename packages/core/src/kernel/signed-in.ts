/**
 * The caller of a flow that needs a session: who they are, which session asks, and when
 * that session signed in (the access token's `auth_time`, in seconds). Flows that change a
 * factor, an identity or the address need a recent `authTime` (see access/recent-sign-in).
 */
export interface SignedIn {
  userId: string;
  sessionId: string;
  authTime?: number | undefined;
}
