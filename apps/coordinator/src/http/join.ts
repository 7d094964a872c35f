/**
 * Joining from a phone: a short code and the URL the QR code encodes,
 * http://<lan-ip>:<port>/r/?join=<code>. The LAN address is the first non-internal IPv4
 * interface when the server listens on all interfaces (0.0.0.0 / ::); otherwise the host
 * it listens on (a phone cannot reach 127.0.0.1: `semaigc lab --host 0.0.0.0` for phones).
 */
import { randomInt } from 'node:crypto';
import * as os from 'node:os';
import QRCode from 'qrcode';

/** No 0/O, 1/I/L: the code is read off a screen and typed. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 6;

export function makeJoinCode(length = JOIN_CODE_LENGTH): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export function lanAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

/** The host a phone should use for a server listening on `host`. */
export function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return lanAddress() ?? '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export function joinUrl(baseUrl: string, code: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/r/?join=${encodeURIComponent(code)}`;
}

/** The QR code of `text` as an SVG document. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

export function qrDataUrl(text: string): Promise<string> {
  return QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 256 });
}
