export { SmsFactor, type SmsFactorOptions } from './sms-factor.js';
export { SmsCodeStore, type SmsCodePurpose } from './sms-code-store.js';
export { normalizePhone, maskPhone } from './phone.js';
export { setupSms } from './setup-sms.js';
export { confirmSms } from './confirm-sms.js';
export { sendChallengeCode } from './send-challenge-code.js';
export { sendAccountCode } from './send-account-code.js';
