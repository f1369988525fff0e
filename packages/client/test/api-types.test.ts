import type * as core from '@gatehouse/core';
import { expectTypeOf, it } from 'vitest';
import type * as client from '../src/api-types.js';

/**
 * The client writes out core's API types so its published declarations need no engine
 * (src/api-types.ts). These checks run at type-check time (`npm run typecheck`): a field or
 * error code added to core and not to the client, or the other way round, fails them.
 */
it("the client's copies of the API types are exactly core's", () => {
  expectTypeOf<client.PublicUser>().toEqualTypeOf<core.PublicUser>();
  expectTypeOf<client.TokenPair>().toEqualTypeOf<core.TokenPair>();
  expectTypeOf<client.MfaRequired>().toEqualTypeOf<core.MfaRequired>();
  expectTypeOf<client.AuthErrorCode>().toEqualTypeOf<core.AuthErrorCode>();
});
