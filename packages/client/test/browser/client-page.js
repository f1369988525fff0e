// The app in each tab: the SDK's browser build, and a small API on globalThis for the test
// to drive with page.evaluate. Answers are plain data (errors too), since page.evaluate can
// only carry what survives structured cloning.
import { GatehouseClient, memoryStorage, sessionStorageAdapter } from '/test/client/index.js';

const params = new globalThis.URLSearchParams(globalThis.location.search);
const cookieMode = params.get('mode') === 'cookie';

const client = new GatehouseClient({
  baseUrl: globalThis.location.origin,
  cookieMode,
  // Cookie mode keeps the access token in memory; without it each tab keeps its tokens in
  // its own sessionStorage.
  storage: cookieMode ? memoryStorage() : sessionStorageAdapter(),
  // Off: the test makes every tab meet an expired access token at the same moment, which a
  // timer refreshing halfway through the lifetime would prevent.
  proactiveRefresh: false,
});

const events = [];
for (const name of ['signedIn', 'signedOut', 'tokenRefreshed', 'sessionRevoked']) {
  client.on(name, (detail) => events.push({ name, reason: detail?.reason ?? detail?.code ?? null }));
}

/** A call's outcome as data: { ok, data } or { ok: false, status, code }. */
async function outcome(work) {
  try {
    return { ok: true, data: await work() };
  } catch (error) {
    return { ok: false, status: error?.status ?? null, code: error?.code ?? String(error) };
  }
}

globalThis.app = {
  ready: true,
  login: (email, password) => outcome(() => client.login({ email, password })),
  request: (method, path) => outcome(() => client.request(method, path)),
  session: () => client.session(),
  events: () => events.slice(),
};
