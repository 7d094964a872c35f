/**
 * The connected-nodes panel: role, id, device profile, measured step time, share, load,
 * liveness, and per receiver how this trial's payloads reach it (delivery-view.ts).
 */
import type { NodeSummary } from '../api-types';
import { deliveryCells } from './delivery-view';
import { $, ago, fmt, h } from './dom';

export function renderNodes(nodes: NodeSummary[]): void {
  const body = $('nodes-body');
  const online = nodes.filter((n) => n.status === 'online');
  $('nodes-count').textContent =
    `${online.length} online${nodes.length > online.length ? ` · ${nodes.length - online.length} offline` : ''}`;
  body.replaceChildren();
  if (nodes.length === 0) {
    body.append(
      h(
        'tr',
        {},
        h(
          'td',
          { colspan: '8', class: 'empty' },
          'No nodes yet. Start an edge and a receiver (semaigc edge / semaigc receiver) or scan the QR code with a phone.',
        ),
      ),
    );
    return;
  }
  const order = { edge: 0, receiver: 1, coordinator: 2 } as const;
  for (const n of [...nodes].sort(
    (a, b) => order[a.role] - order[b.role] || a.nodeId.localeCompare(b.nodeId),
  )) {
    const c = n.capabilities;
    const device = `${c.runtime.kind} · ${c.backend}`;
    const hw = [
      c.profile.platform,
      c.profile.cores ? `${c.profile.cores} cores` : null,
      c.profile.memoryGiB ? `${fmt(c.profile.memoryGiB, 0)} GiB` : null,
    ]
      .filter(Boolean)
      .join(' · ');
    const d = n.role === 'receiver' ? deliveryCells(n.nodeId) : null;
    body.append(
      h(
        'tr',
        { class: n.status },
        h('td', {}, h('span', { class: `role ${n.role}` }, n.role)),
        h('td', { title: n.name }, h('strong', {}, n.nodeId), h('div', { class: 'sub' }, n.name)),
        h('td', { title: c.profile.userAgent ?? c.profile.platform }, device, h('div', { class: 'sub' }, hw)),
        h('td', { class: 'num' }, fmt(c.stepMs, 1)),
        h('td', { class: 'num' }, `${Math.round(c.computeShare * 100)}%`),
        h('td', { class: 'num' }, `${Math.max(n.assigned, n.reportedInFlight)}/${c.maxConcurrent}`),
        // One cell (the panel is narrow): the transport, and under it WebRTC loss and delay.
        h(
          'td',
          { title: d?.title ?? '' },
          d?.transport ?? '',
          d && d.loss !== '–' ? h('div', { class: 'sub' }, `lost ${d.loss} · ${d.delay} ms`) : null,
        ),
        h(
          'td',
          {},
          h('span', { class: `dot ${n.status}` }),
          n.status === 'online' ? ago(n.lastSeenAt) : (n.offlineReason ?? 'offline'),
        ),
      ),
    );
  }
}
