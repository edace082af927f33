import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRequestTarget, percentEncodeRawUrls } from '../../src/http/raw-url.ts';

let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((req, res) => res.end(req.url));
  percentEncodeRawUrls(server, { firstBytesTimeoutMs: 300 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function exchange(bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: '127.0.0.1', port }, () => socket.write(bytes));
    let data = '';
    socket.on('data', (d) => (data += d));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('raw UTF-8 in a request target', () => {
  it('is percent-encoded byte for byte, and nothing else in the request changes', () => {
    const chunk = Buffer.concat([Buffer.from('GET /v1/customers?q='), Buffer.from('张伟', 'utf8'), Buffer.from(' HTTP/1.1\r\nX-Name: 张\r\n\r\n')]);
    const out = encodeRequestTarget(chunk).toString('latin1');
    expect(out.startsWith('GET /v1/customers?q=%E5%BC%A0%E4%BC%9F HTTP/1.1\r\n')).toBe(true);
    expect(out.endsWith(Buffer.from('X-Name: 张\r\n\r\n', 'utf8').toString('latin1'))).toBe(true);
    const plain = Buffer.from('GET /a?q=%E5 HTTP/1.1\r\n\r\n');
    expect(encodeRequestTarget(plain)).toBe(plain);
  });

  it('reaches the handler decoded as the client meant it', async () => {
    const raw = await exchange(Buffer.concat([Buffer.from('GET /s?q='), Buffer.from('冰箱', 'utf8'), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]));
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw.endsWith('/s?q=%E5%86%B0%E7%AE%B1')).toBe(true);
  });

  it('survives a client that resets before its first byte, and cuts off one that sends nothing', async () => {
    // A reset before any data: without an error listener of its own the process would crash.
    await new Promise<void>((resolve) => {
      const socket = net.createConnection({ host: '127.0.0.1', port }, () => {
        socket.resetAndDestroy();
        resolve();
      });
      socket.on('error', () => undefined);
    });
    // A silent client is closed after the first-bytes timeout, as one without headers would be
    // (without it this would wait for the test's own timeout).
    await new Promise<void>((resolve) => {
      const socket = net.createConnection({ host: '127.0.0.1', port });
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
    });
    // And the server still answers.
    expect(await exchange(Buffer.from('GET /still HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toMatch(/\/still$/);
  });
});
