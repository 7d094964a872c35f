/**
 * The WebRTC path opened through socket.io signalling: a real socket.io server (port 0) with
 * the SFU's `attachWebRtcSignalling`, the real mediasoup worker, and headless Chromium running
 * the page's `openWebRtcOverSocket` over a socket.io-client session. The receiver id comes from
 * the socket (here its handshake; in the coordinator, the node that said hello on it).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { Server } from 'socket.io';
import { type Sfu, attachWebRtcSignalling, createSfu } from '@semaigc/sfu';
import { hasChromium, launchChromium } from '@semaigc/testkit';
import { bundlePageScript } from './helpers/webrtc-harness';

jest.setTimeout(120_000);

const describeBrowser = hasChromium() ? describe : describe.skip;

describeBrowser('WebRTC signalling over socket.io', () => {
  let sfu: Sfu;
  let server: http.Server;
  let io: Server;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    sfu = await createSfu({ logLevel: 'error' });
    const script = await bundlePageScript('webrtc-socket-page.ts');
    server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>webrtc signalling</title><script>${script}</script>`);
    });
    io = new Server(server);
    io.on('connection', (socket) => {
      const id = (socket.handshake.auth as { receiverId?: unknown }).receiverId;
      attachWebRtcSignalling(socket, sfu, { receiverId: () => (typeof id === 'string' ? id : null) });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Chromium leaves loopback out of ICE unless told; the SFU listens on 127.0.0.1 here.
    browser = await launchChromium({ args: ['--allow-loopback-in-peer-connection'] });
  });

  afterAll(async () => {
    await browser?.close();
    await io?.close();
    sfu?.close();
  });

  async function page(receiverId: string | null): Promise<Page> {
    const p = await browser.newPage();
    await p.goto(url);
    await p.evaluate(([u, id]) => window.__sig.connect(u, id), [url, receiverId] as const);
    return p;
  }

  test('the page opens an unreliable channel through its socket and gets latents exactly', async () => {
    const p = await page('rx-socket');
    expect(await p.evaluate(() => window.__sig.open('unreliable'))).toBe('unreliable');
    await sfu.whenConnected('rx-socket');
    let lost = 0;
    for (let i = 0; i < 3; i++) {
      const latent = Float32Array.from({ length: 4 * 32 * 32 }, (_, k) => Math.cos(k * 0.11 + i));
      const sent = sfu.sendLatent('rx-socket', latent);
      const got = await p.evaluate(([id, n, k]) => window.__sig.collect(id, n, k), [
        sent.payloadId,
        latent.length,
        sent.packets,
      ] as const);
      expect(got.lost).toHaveLength(sent.packets);
      const perPacket = latent.length / sent.packets;
      got.lost.forEach((isLost, k) => {
        const part = latent.subarray(k * perPacket, (k + 1) * perPacket);
        const want = isLost ? new Float32Array(part.length) : part;
        expect(Float32Array.from(got.data.slice(k * perPacket, (k + 1) * perPacket))).toEqual(want);
      });
      lost += got.packetsLost;
    }
    expect(sfu.stats('rx-socket').packetsSent - lost).toBeGreaterThan(0);

    // The WebRTC path goes with the socket.
    await p.evaluate(() => window.__sig.disconnect());
    for (let i = 0; i < 100 && sfu.hasReceiver('rx-socket'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(sfu.hasReceiver('rx-socket')).toBe(false);
    await p.close();
  });

  test('a socket without a receiver, and a bad mode, are refused with the reason', async () => {
    const nobody = await page(null);
    expect(await nobody.evaluate(() => window.__sig.open('unreliable'))).toMatch(
      /webrtc\.open refused: .*no receiver yet/,
    );
    await nobody.close();
    const bad = await page('rx-bad-mode');
    expect(await bad.evaluate(() => window.__sig.open('sometimes'))).toMatch(
      /webrtc\.open refused: mode must be one of reliable, unreliable, got sometimes/,
    );
    expect(sfu.hasReceiver('rx-bad-mode')).toBe(false);
    await bad.close();
  });
});
