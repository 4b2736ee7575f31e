import { escapeMarkup } from '../core/text-escape.js';

/**
 * Stacked bar charts as inline SVG: drawn here, in the file, so an HTML report opens offline with
 * no script and no network. Every bar carries a <title>, which browsers show on hover.
 */

export interface ChartBar {
  label: string;
  segments: Array<{ key: string; value: number }>;
}

export interface ChartOptions {
  title: string;
  bars: ChartBar[];
  format: (value: number) => string;
  width?: number;
  height?: number;
}

/** Okabe–Ito (colour-blind-safe) first, then darker shades of it, so a dozen keys stay apart. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999', '#004C77', '#9A6B00', '#00664B', '#8A4F75'];
const MARGIN = { top: 28, right: 12, bottom: 46, left: 64 };
const MAX_LABELS = 16;
const LEGEND_ENTRY = 170;

export function stackedBarChart(options: ChartOptions): string {
  const width = options.width ?? 820;
  const keys = [...new Set(options.bars.flatMap((bar) => bar.segments.map((segment) => segment.key)))];
  const perLegendRow = Math.max(1, Math.floor((width - MARGIN.left) / LEGEND_ENTRY));
  const legendRows = Math.max(1, Math.ceil(keys.length / perLegendRow));
  const height = (options.height ?? 260) + (legendRows - 1) * 16;
  const colourOf = (key: string): string => PALETTE[keys.indexOf(key) % PALETTE.length]!;
  const totals = options.bars.map((bar) => bar.segments.reduce((sum, segment) => sum + Math.max(0, segment.value), 0));
  const top = niceCeiling(Math.max(0, ...totals));
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom - (legendRows - 1) * 16;
  const slot = options.bars.length === 0 ? plotWidth : plotWidth / options.bars.length;
  const barWidth = Math.max(1, slot * 0.8);
  const y = (value: number): number => MARGIN.top + plotHeight - (top === 0 ? 0 : (value / top) * plotHeight);
  const labels = options.bars.map((bar) => (bar.label.length > 14 ? `${bar.label.slice(0, 13)}…` : bar.label));
  // Labels are about 6.5 px a character at this size; skip bars so they never overlap.
  const widest = Math.max(0, ...labels.map((label) => label.length * 6.5 + 8));
  const labelEvery = Math.max(1, Math.ceil(options.bars.length / MAX_LABELS), Math.ceil(widest / slot));

  const parts: string[] = [];
  for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
    const value = top * fraction;
    parts.push(
      `<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${round(y(value))}" y2="${round(y(value))}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 6}" y="${round(y(value) + 4)}" text-anchor="end">${escapeMarkup(options.format(value))}</text>`,
    );
  }
  options.bars.forEach((bar, index) => {
    const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
    let base = 0;
    for (const segment of bar.segments) {
      if (segment.value <= 0) continue;
      const y0 = y(base);
      const y1 = y(base + segment.value);
      base += segment.value;
      parts.push(
        `<rect x="${round(x)}" y="${round(y1)}" width="${round(barWidth)}" height="${round(Math.max(0.5, y0 - y1))}" fill="${colourOf(segment.key)}">` +
          `<title>${escapeMarkup(`${bar.label} · ${segment.key}: ${options.format(segment.value)}`)}</title></rect>`,
      );
    }
    if (index % labelEvery === 0) {
      const label = labels[index]!;
      parts.push(`<text x="${round(x + barWidth / 2)}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">${escapeMarkup(label)}</text>`);
    }
  });
  const legend = keys
    .map((key, index) => {
      const x = MARGIN.left + (index % perLegendRow) * LEGEND_ENTRY;
      const y0 = MARGIN.top + plotHeight + 30 + Math.floor(index / perLegendRow) * 16;
      const name = key.length > 22 ? `${key.slice(0, 21)}…` : key;
      return `<rect x="${x}" y="${y0}" width="10" height="10" fill="${colourOf(key)}"/><text x="${x + 14}" y="${y0 + 9}">${escapeMarkup(name)}</text>`;
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeMarkup(options.title)}" font-size="11" font-family="system-ui, sans-serif">` +
    `<text x="${MARGIN.left}" y="16" font-size="13" font-weight="600">${escapeMarkup(options.title)}</text>${parts.join('')}${legend}</svg>`
  );
}

/** 1, 2 or 5 times a power of ten, at or above `value`: axis labels a person can read. */
function niceCeiling(value: number): number {
  if (value <= 0) return 0;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
