import type { ChalkInstance } from 'chalk';
import type { Analysis } from '../core/analysis.js';
import { describeEstimate } from '../core/plan-limits.js';
import { printable } from '../core/text-escape.js';
import { formatTokens } from './format.js';

/** Findings as a person reads them: a title, its evidence indented, the suggestion last. */
export function renderAnalysis(analysis: Analysis, paint: ChalkInstance): string {
  const lines = [paint.bold(`Your Claude usage from ${analysis.since} to ${analysis.until}`), ''];
  if (analysis.findings.length === 0) lines.push('No usage in these days: nothing to analyse.');
  for (const finding of analysis.findings) {
    lines.push(paint.bold(printable(finding.title)));
    for (const evidence of finding.evidence) lines.push(`  ${printable(evidence)}`);
    if (finding.suggestion) lines.push(paint.cyan(printable(`  → suggest ${finding.suggestion.key} = ${JSON.stringify(finding.suggestion.value)}: ${finding.suggestion.reason}`)));
    lines.push('');
  }
  if (analysis.limit) lines.push(`Block limit: ${describeEstimate(analysis.limit, formatTokens)}`, '');
  const scored = analysis.days.filter((day) => day.efficiency !== null);
  if (scored.length > 0) {
    const recent = scored.slice(-7).map((day) => `${day.day.slice(5)} ${day.efficiency}`);
    lines.push(`Efficiency (0-100; half cache hits, half cost per output token against your median): ${recent.join(', ')}`);
    const sessions = analysis.sessions.filter((session) => session.efficiency !== null).sort((a, b) => a.efficiency! - b.efficiency!);
    if (sessions.length > 0) {
      const worst = sessions[0]!;
      lines.push(`  lowest session: ${printable(worst.sessionId.slice(0, 8))} (${worst.efficiency}, $${worst.costUsd.toFixed(2)}); ${sessions.length} sessions scored (cw analyze --json lists them)`);
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
