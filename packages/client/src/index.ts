export { GatehouseClient } from './client.js';
export type { GatehouseClientOptions } from './options.js';
export { DEFAULT_STORAGE_KEY, DEFAULT_TIMEOUT_MS } from './options.js';
export { GatehouseError, isGatehouseError } from './errors.js';
export type { ClientErrorCode, GatehouseErrorCode, ProblemDocument } from './errors.js';
export { memoryStorage, sessionStorageAdapter } from './storage.js';
export type { TokenStorage, WebStorageLike } from './storage.js';
export { systemClock } from './clock.js';
export type { ClientClock, RandomSource, TimerHandle } from './clock.js';
export type { ChannelLike, CrossTabOptions, LockManagerLike } from './cross-tab.js';
export type { ClientEventHandler, ClientEventName, ClientEvents } from './events.js';
export type { FetchLike } from './transport.js';
export { MAX_REFRESHES_PER_REQUEST } from './authorized-request.js';
export type {
  ClientSession,
  Credentials,
  LoginResult,
  MeAnswer,
  MfaRequired,
  MfaVerification,
  PublicUser,
  SessionView,
  TokenPair,
} from './types.js';
