/** A WebAuthn assertion as the browser's JSON sends it (API.md `credential`). */
export interface AssertionJSON {
  id: string;
  rawId: string;
  type: 'public-key';
  response: {
    clientDataJSON: string;
    authenticatorData: string;
    signature: string;
    userHandle?: string | null | undefined;
  };
  authenticatorAttachment?: 'platform' | 'cross-platform' | null | undefined;
}
