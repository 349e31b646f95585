// Side-by-side configs for the comparison view: one row per setting (config-fields.ts
// order), one value per run, and whether the values differ (highlighted).
import type { TrainConfig } from '../../../main/api/contract.ts';
import { CONFIG_FIELDS, fieldKey } from './config-fields.ts';
import { formatValue, getValue } from './config-values.ts';

export interface ConfigRow {
  key: string;
  label: string;
  values: string[];
  differs: boolean;
}

export function configRows(configs: readonly TrainConfig[]): ConfigRow[] {
  return CONFIG_FIELDS.map((field) => {
    const values = configs.map((config) => formatValue(getValue(config, field.path)));
    return { key: fieldKey(field.path), label: field.label, values, differs: new Set(values).size > 1 };
  });
}
