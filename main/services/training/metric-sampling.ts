// Which per-step metrics are stored: every step of a short run; for a long run, the first
// FULL_STEPS steps and then an even thinning to about MAX_ROWS rows in all, plus the last
// step. Deterministic from (step, totalSteps), so a resumed run keeps the same rows.
// Per-epoch summaries are always stored (not decided here).

/** Steps always kept at the start of a run (the fast-moving part of the curve). */
export const FULL_STEPS = 500;
/** About this many step rows per run at most. */
export const MAX_ROWS = 2500;

export function keepStep(step: number, totalSteps: number): boolean {
  if (step <= FULL_STEPS || step >= totalSteps || totalSteps <= MAX_ROWS) return true;
  const stride = Math.ceil((totalSteps - FULL_STEPS) / (MAX_ROWS - FULL_STEPS));
  return (step - FULL_STEPS) % stride === 0;
}
