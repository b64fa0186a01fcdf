import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { postWebhook } from './alerts.service.js';

async function server(handler: http.RequestListener): Promise<{ url: string; close(): void }> {
  const s = http.createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/`, close: () => (s.closeAllConnections(), s.close()) };
}

test('a webhook that never answers is given up after the timeout', async () => {
  const hung = await server(() => undefined);
  try {
    const started = Date.now();
    await assert.rejects(postWebhook(hung.url, { event: 'OPENED' }, 200), (e: Error) => e.name === 'TimeoutError');
    const took = Date.now() - started;
    assert.ok(took >= 190 && took < 2000, `gave up after ${took} ms`);
  } finally {
    hung.close();
  }
});

test('a webhook answering an error status, or not listening, rejects; 2xx resolves with the JSON posted', async () => {
  let received: unknown;
  const ok = await server((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received = { method: req.method, type: req.headers['content-type'], body: JSON.parse(body) };
      res.statusCode = req.url === '/fail' ? 500 : 204;
      res.end();
    });
  });
  try {
    await postWebhook(ok.url, { event: 'OPENED' }, 1000);
    assert.deepEqual(received, { method: 'POST', type: 'application/json', body: { event: 'OPENED' } });
    await assert.rejects(postWebhook(`${ok.url}fail`, {}, 1000), /500/);
  } finally {
    ok.close();
  }
  await assert.rejects(postWebhook(ok.url, {}, 1000));
});
