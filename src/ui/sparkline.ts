const LEVELS = ['▂', '▃', '▄', '▅', '▆', '▇', '█'];
/** Nothing at all, told apart from a little. */
const EMPTY = '▁';

/** One cell per value, scaled to the largest. */
export function sparkline(values: readonly number[]): string {
  const peak = Math.max(0, ...values);
  return values
    .map((value) => {
      if (value <= 0 || peak === 0) return EMPTY;
      const level = Math.ceil((value / peak) * LEVELS.length) - 1;
      return LEVELS[Math.min(LEVELS.length - 1, Math.max(0, level))]!;
    })
    .join('');
}

/** `[#####.....]`-style bar of `width` cells for a share 0..1. */
export function progressBar(share: number, width: number): string {
  const inner = Math.max(1, width - 2);
  const filled = Math.round(Math.min(1, Math.max(0, share)) * inner);
  return `[${'█'.repeat(filled)}${'░'.repeat(inner - filled)}]`;
}

/**
 * A gauge: `share` of the bar filled (null: nothing to fill), with the cell at `marker` (0..1, the
 * time gone) drawn as `┃` so use and time read apart.
 */
export function gaugeBar(share: number | null, marker: number, width: number): string {
  const inner = Math.max(2, width - 2);
  const filled = share === null ? 0 : Math.round(Math.min(1, Math.max(0, share)) * inner);
  const at = Math.min(inner - 1, Math.max(0, Math.round(Math.min(1, Math.max(0, marker)) * inner) - (marker > 0 ? 1 : 0)));
  let cells = '';
  for (let cell = 0; cell < inner; cell++) cells += cell === at ? '┃' : cell < filled ? '█' : '░';
  return `[${cells}]`;
}
