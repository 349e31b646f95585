// A run whose loss became NaN/Infinity: resuming it would restart from a checkpoint with
// the same settings and diverge again, and settings cannot change once a run exists. So
// such a run is failed and NOT resumable; its reason says what to do instead. The reason
// text main writes is the marker (the runs table has no column for it; one would need a
// migration) — only main writes it, always through divergedReason().
const MARKER = 'The training diverged: ';

/** The run's stored reason for the engine's divergence message. */
export function divergedReason(engineMessage: string): string {
  return (
    `${MARKER}${engineMessage} ` +
    'Resuming would diverge again with the same settings: start a new experiment (Duplicate) with a lower learning rate or a higher temperature.'
  );
}

export function isDivergedReason(reason: string | null): boolean {
  return reason?.startsWith(MARKER) ?? false;
}
