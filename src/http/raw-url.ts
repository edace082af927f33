import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * `curl "$AC/v1/customers?q=张伟"` sends the query as raw UTF-8 bytes, which Node's HTTP parser
 * refuses (HPE_INVALID_URL) before any route sees them. Browsers and SDKs percent-encode; a
 * person typing curl does not, and Chinese search should work as typed. So the first bytes of
 * every connection are read once, the request line's target has its bytes over 0x7F
 * percent-encoded (exactly what a client should have sent), and the bytes are handed back to
 * the HTTP server, which parses them as if they had arrived that way. One JS read per
 * connection, none per request: later requests on a kept-alive connection (which only
 * programs send, and programs encode) meet the parser's refusal, answered as problem+json.
 *
 * No library does this; it is the shape the httpolyglot package uses to sniff a connection
 * (read, unshift, hand over), applied to the request target only.
 */
export function percentEncodeRawUrls(server: Server, opts: { firstBytesTimeoutMs?: number } = {}): void {
  const listeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  // Until the HTTP server has the socket, its timeouts and error handling are ours: a client
  // that connects and sends nothing is cut off like one that sends no headers, and a reset
  // before the first byte closes the socket instead of crashing the process.
  const timeoutMs = opts.firstBytesTimeoutMs ?? (server.headersTimeout || 60_000);
  server.on('connection', (socket: Socket) => {
    const early = () => socket.destroy();
    socket.on('error', early);
    socket.setTimeout(timeoutMs, early);
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.setTimeout(0);
      socket.removeListener('error', early);
      socket.unshift(encodeRequestTarget(chunk));
      for (const listener of listeners) listener.call(server, socket);
      process.nextTick(() => socket.resume());
    });
  });
}

/** The chunk with the request target's bytes over 0x7F as %XX; the chunk itself when it has none. */
export function encodeRequestTarget(chunk: Buffer): Buffer {
  const start = chunk.indexOf(0x20);
  if (start < 0) return chunk;
  let end = start + 1;
  let raw = false;
  while (end < chunk.length && chunk[end] !== 0x20 && chunk[end] !== 0x0d && chunk[end] !== 0x0a) {
    if (chunk[end]! > 0x7f) raw = true;
    end++;
  }
  if (!raw) return chunk;
  let target = '';
  for (let i = start + 1; i < end; i++) {
    const b = chunk[i]!;
    target += b > 0x7f ? `%${b.toString(16).toUpperCase()}` : String.fromCharCode(b);
  }
  return Buffer.concat([chunk.subarray(0, start + 1), Buffer.from(target, 'latin1'), chunk.subarray(end)]);
}
