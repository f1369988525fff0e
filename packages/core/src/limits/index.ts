export { clientNetworkKey, clientNetworks, type ClientNetworkOf } from './client-network.js';
export { FixedWindowLimiter, retryAfter, type LimitDecision } from './fixed-window.js';
export { limitOf } from './limit-of.js';
export {
  LoginThrottle,
  type IdentifierThrottleState,
  type LoginAttempt,
  type LoginGate,
  type LoginRefusal,
} from './login-throttle.js';
