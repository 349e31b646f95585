// A run whose loss became NaN/Infinity: resuming it would restart from a checkpoint with
// the same settings and diverge again, and settings cannot change once a run exists. So
// such a run is failed, marked diverged (runs.diverged, migration 0007) and NOT
// resumable; its reason says what to do instead.

/** The run's stored reason for the engine's divergence message. */
export function divergedReason(engineMessage: string): string {
  return (
    `The training diverged: ${engineMessage} ` +
    'Resuming would diverge again with the same settings: start a new experiment (Duplicate) with a lower learning rate or a higher temperature.'
  );
}
