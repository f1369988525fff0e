import { createServer, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * Stand-ins for a mail server on a fixed local port, for end-to-end tests of the `smtp`
 * transport: a real SMTP sink that keeps what it receives, and two broken servers that
 * only count the connections a delivery attempt opens.
 */

export interface ReceivedMail {
  /** Envelope sender and recipients. */
  from: string | false;
  to: string[];
  raw: string;
  receivedAt: number;
}

export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  /** Mails whose envelope names this recipient (a shared queue may deliver others' mail too). */
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

/** A real SMTP server (no TLS, no auth) on 127.0.0.1:port that accepts and keeps every message. */
export async function startSmtpSink(port: number): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 500,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom && session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  let closing: Promise<void> | undefined;
  return {
    port,
    received,
    to: (address) =>
      received.filter((mail) => mail.to.some((rcpt) => rcpt.toLowerCase() === address.toLowerCase())),
    close: () => (closing ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

export interface ConnectionCounter {
  port: number;
  /** When each connection (one per delivery attempt) arrived, in Date.now() ms. */
  connections: number[];
  /** Stops listening and drops the open connections: afterwards nothing listens on the port. */
  close(): Promise<void>;
}

/**
 * A mail server that is there but does not take mail. `refuse`: greets with 421 (service not
 * available) and hangs up, as a server does while it shuts down, so each attempt fails at
 * once and is retried. `silent`: accepts the connection and never greets, so an attempt hangs
 * in flight (until the client's greeting timeout).
 */
export async function startBrokenSmtp(port: number, mode: 'refuse' | 'silent'): Promise<ConnectionCounter> {
  const connections: number[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections.push(Date.now());
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (mode === 'refuse') socket.end('421 4.3.2 Service not available, closing transmission channel\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  let closing: Promise<void> | undefined;
  return {
    port,
    connections,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      })),
  };
}
