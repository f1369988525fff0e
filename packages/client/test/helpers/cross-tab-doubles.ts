import type { ChannelLike, LockManagerLike } from '../../src/cross-tab.js';

/** Web Locks for tabs of one test: one holder per name, the others queue in order. */
export class FakeLocks implements LockManagerLike {
  private readonly tails = new Map<string, Promise<unknown>>();
  granted = 0;

  request<T>(name: string, callback: () => Promise<T>): Promise<T> {
    const before = this.tails.get(name) ?? Promise.resolve();
    const run = before.then(() => {
      this.granted += 1;
      return callback();
    });
    this.tails.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  }
}

/** A BroadcastChannel hub: a message reaches every other channel of the hub, asynchronously. */
export class FakeChannelHub {
  private readonly channels = new Set<FakeChannel>();
  readonly sent: unknown[] = [];

  channel(): FakeChannel {
    const channel = new FakeChannel(this);
    this.channels.add(channel);
    return channel;
  }

  deliver(from: FakeChannel, message: unknown): void {
    this.sent.push(message);
    // Structured clone, as a real channel does: no tab shares objects with another.
    const copy: unknown = structuredClone(message);
    for (const channel of this.channels) {
      if (channel !== from) queueMicrotask(() => channel.dispatch(copy));
    }
  }

  remove(channel: FakeChannel): void {
    this.channels.delete(channel);
  }
}

export class FakeChannel implements ChannelLike {
  private readonly listeners: ((event: { data: unknown }) => void)[] = [];

  constructor(private readonly hub: FakeChannelHub) {}

  postMessage(message: unknown): void {
    this.hub.deliver(this, message);
  }

  addEventListener(_type: 'message', listener: (event: { data: unknown }) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.hub.remove(this);
  }

  dispatch(data: unknown): void {
    for (const listener of this.listeners) listener({ data });
  }
}
