export { FixedWindowLimiter, retryAfter, type LimitDecision } from './fixed-window.js';
export { LoginThrottle, type LoginGate } from './login-throttle.js';
