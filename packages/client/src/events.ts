import type { GatehouseError } from './errors.js';
import type { ClientSession } from './types.js';

/** What the client tells the app, and with what. */
export interface ClientEvents {
  /** A login or second-factor verification ended in a session (or another tab's did, in cookie mode). */
  signedIn: ClientSession;
  /** The session ended here: logout in this tab or another. */
  signedOut: { reason: 'logout' | 'other_tab' };
  /** New tokens for the same session: refreshed here, or handed over by another tab. */
  tokenRefreshed: ClientSession;
  /** The server refused the refresh token (revoked, reused, expired): the tokens are gone. */
  sessionRevoked: GatehouseError;
}

export type ClientEventName = keyof ClientEvents;
export type ClientEventHandler<E extends ClientEventName> = (payload: ClientEvents[E]) => void;

/** A minimal typed emitter. A handler that throws does not stop the client's own work. */
export class Emitter {
  private readonly handlers = new Map<ClientEventName, Set<(payload: never) => void>>();

  /** Subscribes; returns the function that unsubscribes. */
  on<E extends ClientEventName>(event: E, handler: ClientEventHandler<E>): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  emit<E extends ClientEventName>(event: E, payload: ClientEvents[E]): void {
    for (const handler of this.handlers.get(event) ?? []) {
      try {
        (handler as ClientEventHandler<E>)(payload);
      } catch (error) {
        // The app's bug, reported as the platform reports any uncaught error; the refresh
        // or sign-in that emitted the event carries on.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
