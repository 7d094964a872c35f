/**
 * A phone as the coordinator sees it over socket.io, for tests: the receiver page's protocol
 * without a browser (join code in the handshake, a hello answered through the ack with a
 * welcome, a heartbeat every `beatMs` until closed). Jobs and records are the caller's.
 */
import { type Capabilities, decode, encode, makeMessage, type Message } from '@semaigc/protocol';
import { io as ioClient, type Socket } from 'socket.io-client';

export interface SocketPhone {
  socket: Socket;
  /** The coordinator's answer to the hello (a welcome, or an error). */
  welcome: Message;
  /** Stops the heartbeats (the socket stays open). */
  stopBeats(): void;
  /** Stops the heartbeats and closes the socket. */
  close(): void;
}

export async function socketPhone(
  url: string,
  o: { nodeId: string; join: string; capabilities: Capabilities; beatMs: number; reconnection?: boolean },
): Promise<SocketPhone> {
  const socket = ioClient(url, {
    transports: ['websocket'],
    forceNew: true,
    auth: { join: o.join },
    ...(o.reconnection === undefined ? {} : { reconnection: o.reconnection }),
  });
  const hello = makeMessage('hello', {
    nodeId: o.nodeId,
    role: 'receiver',
    name: o.nodeId,
    capabilities: o.capabilities,
    sentAt: Date.now(),
  });
  const welcome = await new Promise<Message>((resolve) =>
    socket.emit('hello', encode(hello), (b: ArrayBuffer) => resolve(decode(b))),
  );
  let seq = 0;
  const beat = setInterval(() => {
    const hb = makeMessage('heartbeat', {
      nodeId: o.nodeId,
      role: 'receiver',
      seq: seq++,
      sentAt: Date.now(),
      inFlight: 0,
      queued: 0,
      stepMs: null,
    });
    socket.emit('heartbeat', encode(hb));
  }, o.beatMs);
  const stopBeats = (): void => clearInterval(beat);
  return {
    socket,
    welcome,
    stopBeats,
    close() {
      stopBeats();
      socket.close();
    },
  };
}
