/**
 * Which of Claude's own cost figures stands for a run, and how much of it is the run's. Claude
 * reports cumulative figures only: a print run's `total_cost_usd`, and the cost lines a
 * transcript carries (2.1.x writes one at each save, and restores it when a session is
 * continued or resumed, so both then include what earlier runs spent). A run's share is what the
 * figure grew by while the run lasted.
 */

/** Claude's figures as one run saw them. */
export interface RunCostFigures {
  /** The process's own figure (the print result), when Claude reported one. */
  processUsd: number | null;
  /** Per transcript followed: the figure it held before the run began, and the latest since. */
  transcripts: Readonly<Record<string, TranscriptCostFigure>>;
}

export interface TranscriptCostFigure {
  baselineUsd: number;
  latestUsd: number | null;
}

export const NO_COST_FIGURES: RunCostFigures = Object.freeze({ processUsd: null, transcripts: Object.freeze({}) });

/**
 * This run's share of Claude's spending, or null when Claude said nothing. The transcripts'
 * figures are exact for the sessions they cover and win where any grew during the run; else the
 * process figure, less what the run's transcripts held before it (nothing, for versions that
 * report per process and write no cost lines).
 */
export function runCostShare(figures: RunCostFigures): number | null {
  const transcripts = Object.values(figures.transcripts);
  const grown = transcripts.filter((figure) => figure.latestUsd !== null);
  if (grown.length > 0) return grown.reduce((sum, figure) => sum + Math.max(0, (figure.latestUsd ?? 0) - figure.baselineUsd), 0);
  if (figures.processUsd === null) return null;
  const before = transcripts.reduce((sum, figure) => sum + figure.baselineUsd, 0);
  return Math.max(0, figures.processUsd - before);
}
