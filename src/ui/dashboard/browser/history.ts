import type { Blocks, Stats } from './api.js';
import { byId, clear, figure } from './dom.js';
import { money, shortModel, tokens } from './format.js';

/** The last 30 days' totals above their charts. */
export function drawTotals(stats: Stats): void {
  const t = stats.totals;
  const top = stats.models[0];
  clear(byId('totals')).append(
    figure(money(t.costUsd), `cost, ${stats.from} to ${stats.to}`),
    figure(tokens(t.totalTokens), 'tokens'),
    figure(String(t.sessions), 'sessions'),
    figure(top ? shortModel(top.model) : '-', 'top model by cost'),
  );
}

/** The week's blocks in a line, with the limit a block is measured against. */
export function drawBlocksSummary(blocks: Blocks): void {
  const count = blocks.timeline.filter((entry) => entry.kind === 'block').length;
  const hits = blocks.timeline.filter((entry) => entry.kind === 'block' && entry.limitHit).length;
  byId('blocks-summary').textContent =
    `${count}${count === 1 ? ' block' : ' blocks'}${hits ? `, ${hits} ended in a limit` : ''}` +
    (blocks.limit ? ` · block limit ${blocks.limit.source === 'config' ? '' : '≈ '}${tokens(blocks.limit.tokens)} tokens (${blocks.limit.basis})` : '');
}
