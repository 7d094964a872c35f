/** The trial panel: what runs (or ran last), its progress, and the figures of its summary. */
import type { RecordMessage, TrialProgressMessage, TrialStartMessage } from '@semaigc/protocol';
import type { TrialInfo } from '../api-types';
import { $, fmt, h } from './dom';

export function renderTrialHeader(t: TrialInfo | null): void {
  const title = $('trial-title');
  const state = $('trial-state');
  if (!t) {
    title.textContent = 'No trial yet';
    state.textContent = 'idle';
    state.className = 'badge idle';
    $('trial-meta').textContent = 'Start one with `semaigc trial run trial.yaml` or `semaigc lab`.';
    renderProgress(null);
    renderFigures(null);
    return;
  }
  title.textContent = t.name;
  state.textContent = t.state;
  state.className = `badge ${t.state}`;
  $('trial-meta').textContent = `${t.trialId} · policy ${t.policy}${t.error ? ` · ${t.error}` : ''}`;
  renderProgress({ ...t.progress });
  renderFigures(t);
}

export function renderStart(m: TrialStartMessage): void {
  $('trial-title').textContent = m.name;
  const state = $('trial-state');
  state.textContent = 'running';
  state.className = 'badge running';
  const snr = m.snr.kind === 'constant' ? `${m.snr.snrDb} dB` : m.snr.kind;
  $('trial-meta').textContent =
    `${m.trialId} · policy ${m.policy} · T̂ = ${m.totalSteps} · ${m.channel.mode} channel, SNR ${snr} · ` +
    `${m.receiverIds.length} receiver(s), ${m.edgeIds.length} edge(s) · band [${m.latency.minS}, ${m.latency.maxS}] s`;
}

export function renderProgress(
  p: Pick<TrialProgressMessage, 'done' | 'failed' | 'total' | 'meanSatisfaction' | 'inFlight'> | null,
): void {
  const bar = $('progress-bar');
  const text = $('progress-text');
  if (!p || p.total === 0) {
    bar.style.width = '0%';
    text.textContent = '–';
    return;
  }
  bar.style.width = `${(100 * p.done) / p.total}%`;
  text.textContent = `${p.done}/${p.total} done · ${p.failed} failed · ${p.inFlight} in flight · mean satisfaction ${fmt(p.meanSatisfaction, 3)}`;
}

function figure(label: string, value: string): HTMLElement {
  return h(
    'div',
    { class: 'figure' },
    h('div', { class: 'value' }, value),
    h('div', { class: 'label' }, label),
  );
}

export function renderFigures(t: TrialInfo | null): void {
  const box = $('trial-figures');
  box.replaceChildren();
  const s = t?.summary;
  const e2e = s?.latencyMs.endToEndMs;
  box.append(
    figure('requests', s ? `${s.requests}/${s.planned}` : t ? `${t.progress.done}/${t.progress.total}` : '–'),
    figure('failed', s ? String(s.failed) : t ? String(t.progress.failed) : '–'),
    figure('satisfaction', fmt(s?.satisfactionMean ?? t?.progress.meanSatisfaction ?? null, 3)),
    figure('e2e p50 ms', fmt(e2e?.p50)),
    figure('e2e p99 ms', fmt(e2e?.p99)),
  );
}

export function addRecordRow(r: RecordMessage): void {
  const body = $('records-body');
  body.querySelector('.empty')?.parentElement?.remove();
  const t = r.timings;
  body.prepend(
    h(
      'tr',
      { class: r.failed ? 'failed' : '' },
      h('td', { title: r.requestId }, r.requestId.replace(/^.*-r/, '#')),
      h('td', {}, r.receiverId),
      h('td', {}, r.edgeId ?? 'local'),
      h('td', { class: 'num' }, `${r.edgeSteps}/${r.totalSteps}`),
      h('td', { class: 'num' }, fmt(r.snrDbSet, 1)),
      h('td', { class: 'num' }, fmt(t.edgeStepsMs, 0)),
      h('td', { class: 'num' }, fmt(t.receiverStepsMs, 0)),
      h('td', { class: 'num' }, fmt(t.endToEndMs, 0)),
      h('td', { class: 'num' }, r.failed ? (r.failure?.code ?? 'failed') : fmt(r.satisfaction, 2)),
    ),
  );
  while (body.children.length > 12) body.lastElementChild?.remove();
}
