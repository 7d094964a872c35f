/**
 * The dashboard page (built by Vite into dist/web/, served at /dashboard/). It joins the
 * coordinator's 'dashboard' socket.io room, gets a snapshot, then live events: node lists,
 * trial.start/progress/end, records and previews. Protocol messages arrive encoded, exactly
 * as on NATS, and are decoded here with @semaigc/protocol.
 *
 * The stream and the join code's QR need the coordinator's API token. It comes in the URL's
 * fragment (`/dashboard/#token=…`, as the lab prints it), which browsers never send to a
 * server, and is kept in sessionStorage so a reload without the fragment still works.
 */
import { decode } from '@semaigc/protocol';
import { io, type Socket } from 'socket.io-client';
import type { DashboardSnapshot, NodeSummary, TrialInfo } from '../api-types';
import type { CoordinatorMetrics } from '../metrics';
import { LiveCharts } from './charts';
import { $ } from './dom';
import { addDelivery, resetDelivery } from './delivery-view';
import { addPreview } from './images-view';
import { renderNodes } from './nodes-view';
import { addRecordRow, renderProgress, renderStart, renderTrialHeader } from './trial-view';

const charts = new LiveCharts();
/** The last node list, drawn again when a record changes a receiver's delivery cells. */
let nodes: NodeSummary[] = [];
function showNodes(list: NodeSummary[]): void {
  nodes = list;
  renderNodes(list);
}

function setConnection(ok: boolean, text: string): void {
  const el = $('connection');
  el.className = `conn ${ok ? 'ok' : 'down'}`;
  el.textContent = text;
}

function renderMetrics(m: CoordinatorMetrics): void {
  $('metrics').textContent =
    `messages: ${m.received.nats} NATS · ${m.received.socket} socket.io · relayed ${m.relayed.latent + m.relayed.image} · ` +
    `records ${m.records.accepted} · previews ${m.previews.received} · dropped ${m.dropped.total}` +
    (m.dropped.total
      ? ` (${Object.entries(m.dropped.byNode)
          .map(([n, c]) => `${n}: ${c}`)
          .join(', ')})`
      : '') +
    (m.refused.total
      ? ` · refused to serve: ${Object.entries(m.refused.byNode)
          .map(([n, r]) => `${n} (${r.code}: ${r.reason})`)
          .join('; ')}`
      : '');
}

function renderTrials(list: TrialInfo[]): void {
  renderTrialHeader(list[0] ?? null);
}

const TOKEN_KEY = 'semaigc-dashboard-token';

function apiToken(): string {
  const fromUrl = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromUrl) sessionStorage.setItem(TOKEN_KEY, fromUrl);
  return fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
}

const token = apiToken();

async function showQr(): Promise<void> {
  const res = await fetch('/api/join/qr.svg', { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) return;
  const img = $('join-qr') as HTMLImageElement;
  if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
  img.src = URL.createObjectURL(await res.blob());
}

function renderJoin(s: DashboardSnapshot): void {
  $('join-code').textContent = s.join.code;
  const link = $('join-url') as HTMLAnchorElement;
  link.href = s.join.url;
  link.textContent = s.join.url;
  void showQr();
  $('coordinator-id').textContent = s.coordinatorId;
}

const socket: Socket = io({ transports: ['websocket', 'polling'], auth: { token } });
socket.on('connect', () => {
  setConnection(true, 'live');
  socket.emit('dashboard', (s: DashboardSnapshot) => {
    renderJoin(s);
    showNodes(s.nodes);
    renderTrials(s.trials);
    renderMetrics(s.metrics);
  });
});
socket.on('disconnect', (reason) => {
  // The server closes the stream of a page without the token; retrying cannot help.
  if (reason === 'io server disconnect') {
    setConnection(false, 'refused: open the dashboard URL the lab printed (it carries #token=…)');
  } else setConnection(false, 'reconnecting…');
});
socket.on('connect_error', () => setConnection(false, 'coordinator unreachable'));
socket.on('nodes', (list: NodeSummary[]) => showNodes(list));
socket.on('trials', (list: TrialInfo[]) => renderTrials(list));
socket.on('metrics', (m: CoordinatorMetrics) => renderMetrics(m));
socket.on('trial.start', (b: ArrayBuffer) => {
  const m = decode(b);
  if (m.type !== 'trial.start') return;
  charts.reset();
  resetDelivery();
  renderNodes(nodes);
  $('records-body').replaceChildren();
  renderStart(m);
  renderProgress({ done: 0, failed: 0, total: m.requests, meanSatisfaction: null, inFlight: 0 });
});
socket.on('trial.progress', (b: ArrayBuffer) => {
  const m = decode(b);
  if (m.type === 'trial.progress') renderProgress(m);
});
socket.on('trial.end', (b: ArrayBuffer) => {
  const m = decode(b);
  if (m.type !== 'trial.end') return;
  const state = $('trial-state');
  state.textContent = m.status;
  state.className = `badge ${m.status}`;
});
socket.on('record', (b: ArrayBuffer) => {
  const r = decode(b);
  if (r.type !== 'record') return;
  charts.add(r.timings.endToEndMs, r.satisfaction, r.failed);
  addRecordRow(r);
  addDelivery(r);
  renderNodes(nodes);
});
socket.on('preview', (b: ArrayBuffer) => {
  const p = decode(b);
  if (p.type === 'preview') addPreview(p);
});
