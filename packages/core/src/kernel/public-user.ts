/** The `user` object of API.md: what a client may see of an account. */
export interface PublicUser {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
  status: string;
  roles: string[];
  mfaEnabled: boolean;
  createdAt: string;
}
