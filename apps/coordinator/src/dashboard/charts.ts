/**
 * Live charts (uPlot): end-to-end latency of each request as it completes, and satisfaction
 * per request with its running mean. x is the completion order within the trial.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { $ } from './dom';

interface Series {
  x: number[];
  latency: (number | null)[];
  failedLatency: (number | null)[];
  satisfaction: number[];
  mean: number[];
}

const COLORS = { latency: '#2f6fdb', failed: '#d64545', sat: '#1f9d6b', mean: '#7a4fd1' };

function width(el: HTMLElement): number {
  return Math.max(280, el.clientWidth - 8);
}

export class LiveCharts {
  private data: Series = { x: [], latency: [], failedLatency: [], satisfaction: [], mean: [] };
  private readonly latencyPlot: uPlot;
  private readonly satPlot: uPlot;

  constructor() {
    const latEl = $('chart-latency');
    const satEl = $('chart-satisfaction');
    const common = { height: 220, legend: { show: true }, cursor: { drag: { x: false, y: false } } };
    this.latencyPlot = new uPlot(
      {
        ...common,
        width: width(latEl),
        // From 0, so an empty chart still has axes and small differences do not look large.
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(100, (max ?? 0) * 1.1)] } },
        axes: [{ label: 'request (completion order)' }, { label: 'end to end (ms)', size: 60 }],
        series: [
          { label: 'request' },
          {
            label: 'succeeded',
            stroke: COLORS.latency,
            width: 0,
            points: { show: true, size: 6, fill: COLORS.latency },
          },
          {
            label: 'failed',
            stroke: COLORS.failed,
            width: 0,
            points: { show: true, size: 7, fill: COLORS.failed },
          },
        ],
      },
      [[], [], []],
      latEl,
    );
    this.satPlot = new uPlot(
      {
        ...common,
        width: width(satEl),
        scales: { x: { time: false }, y: { range: [0, 1.05] } },
        axes: [{ label: 'request (completion order)' }, { label: 'satisfaction', size: 60 }],
        series: [
          { label: 'request' },
          {
            label: 'per request',
            stroke: COLORS.sat,
            width: 0,
            points: { show: true, size: 6, fill: COLORS.sat },
          },
          { label: 'running mean', stroke: COLORS.mean, width: 2 },
        ],
      },
      [[], [], []],
      satEl,
    );
    window.addEventListener('resize', () => {
      this.latencyPlot.setSize({ width: width(latEl), height: 220 });
      this.satPlot.setSize({ width: width(satEl), height: 220 });
    });
  }

  reset(): void {
    this.data = { x: [], latency: [], failedLatency: [], satisfaction: [], mean: [] };
    this.redraw();
  }

  add(endToEndMs: number | null, satisfaction: number, failed: boolean): void {
    const d = this.data;
    const n = d.x.length;
    d.x.push(n + 1);
    d.latency.push(failed ? null : endToEndMs);
    d.failedLatency.push(failed ? endToEndMs : null);
    d.satisfaction.push(satisfaction);
    const prev = n === 0 ? 0 : d.mean[n - 1]! * n;
    d.mean.push((prev + satisfaction) / (n + 1));
    this.redraw();
  }

  private redraw(): void {
    const d = this.data;
    this.latencyPlot.setData([d.x, d.latency, d.failedLatency] as uPlot.AlignedData);
    this.satPlot.setData([d.x, d.satisfaction, d.mean]);
  }
}
