// The experiments' and training's part of the API (contract-experiments.ts), implemented
// on the services. Composition only: validation of configs and all state live in the
// services.
import type { ExperimentsApi } from '../../api/contract-experiments.ts';

/** A method that is declared in the contract but whose service is still being built. */
export class NotAvailableError extends Error {
  override name = 'NotAvailableError';
}

function notYet(method: string): never {
  throw new NotAvailableError(`${method} is not available yet in this build (training backend in progress).`);
}

export function createExperimentsApi(): ExperimentsApi {
  return {
    getRuntimeInfo: async () => notYet('getRuntimeInfo'),
    suggestPresets: async () => notYet('suggestPresets'),
    listExperiments: async () => [],
    getExperiment: async () => notYet('getExperiment'),
    createExperiment: async () => notYet('createExperiment'),
    updateExperiment: async () => notYet('updateExperiment'),
    deleteExperiment: async () => notYet('deleteExperiment'),
    startRun: async () => notYet('startRun'),
    pauseRun: async () => notYet('pauseRun'),
    resumeRun: async () => notYet('resumeRun'),
    cancelRun: async () => notYet('cancelRun'),
    getRunMetrics: async () => notYet('getRunMetrics'),
    previewAugmentations: async () => notYet('previewAugmentations'),
  };
}
