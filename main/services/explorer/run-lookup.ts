// The runs the explorer works on, read from the experiments' tables (migration 0002):
// a run's folder, its experiment's resolved config, and the dataset it trained on.
import path from 'node:path';
import type { Db } from '../../db/open.ts';
import type { TrainConfig } from '../../../worker/simclr/config.ts';
import { ExplorerError } from './explorer-errors.ts';
import type { ExplorerRun, ExplorerRuns } from './run-encoder.ts';

interface RunRow {
  id: number;
  run_dir: string;
  config_json: string;
  dataset_id: number | null;
  dataset_name: string;
  root: string | null;
}

export class SqlExplorerRuns implements ExplorerRuns {
  readonly #byId;

  constructor(db: Db) {
    this.#byId = db.prepare<[number], RunRow>(
      `SELECT r.id, r.run_dir, e.config_json, e.dataset_id, e.dataset_name, d.root
       FROM runs r JOIN experiments e ON e.id = r.experiment_id LEFT JOIN datasets d ON d.id = e.dataset_id
       WHERE r.id = ?`,
    );
  }

  get(runId: number): ExplorerRun {
    const row = this.#byId.get(runId);
    if (!row) throw new ExplorerError(`run ${runId} does not exist`);
    if (row.dataset_id === null || row.root === null) {
      throw new ExplorerError(`the folder '${row.dataset_name}' that run ${runId} trained on was removed from the library: add it again to explore this run`);
    }
    return { runId, datasetId: row.dataset_id, datasetRoot: path.resolve(row.root), runDir: row.run_dir, config: JSON.parse(row.config_json) as TrainConfig };
  }
}
