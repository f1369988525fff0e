export { FixedWindowLimiter, retryAfter, type LimitDecision } from './fixed-window.js';
export { LoginThrottle, type LoginAttempt, type LoginGate, type LoginRefusal } from './login-throttle.js';
