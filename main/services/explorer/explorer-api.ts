// The explorer's methods of the API contract, implemented on the ExplorerService.
// Until the service is plugged in (it needs the runs of issue 4 and the worker host),
// every method refuses with a clear message instead of failing obscurely.
import type { ExplorerApi } from '../../api/contract.ts';
import { ExplorerError } from './explorer-errors.ts';

const methods = [
  'computeEmbeddings',
  'cancelEmbeddings',
  'listEmbeddingSets',
  'getProjection',
  'getNeighbours',
  'findNeighboursOfFile',
  'listDuplicates',
  'listOutliers',
  'evaluateLabels',
  'exportEmbeddings',
  'exportNeighbours',
  'exportSelection',
  'exportProjection',
  'exportEncoder',
] as const satisfies readonly (keyof ExplorerApi)[];

/** The explorer API before its service exists: each call rejects, naming the method. */
export function createUnavailableExplorerApi(): ExplorerApi {
  const refuse = (method: string) => async () => {
    throw new ExplorerError(`The embedding explorer is not available yet ('${method}' is part of issue 5, still being built).`);
  };
  return Object.fromEntries(methods.map((m) => [m, refuse(m)])) as unknown as ExplorerApi;
}
