// Reading and writing one setting of a config object by its path (config-fields.ts),
// without mutating the original, and showing a value as text.

type Plain = Record<string, unknown>;

export function getValue(config: object, path: readonly string[]): unknown {
  let node: unknown = config;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Plain)[key];
  }
  return node;
}

/** A copy of `config` with `path` set to `value` (undefined removes it: the default applies). */
export function setValue<T extends object>(config: T, path: readonly string[], value: unknown): T {
  const [key, ...rest] = path;
  if (key === undefined) return config;
  const copy: Plain = { ...(config as Plain) };
  if (rest.length === 0) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
  } else {
    const child = copy[key];
    copy[key] = setValue(child !== null && typeof child === 'object' ? child : {}, rest, value);
  }
  return copy as T;
}

export function formatValue(value: unknown): string {
  if (value === undefined) return 'automatic';
  if (value === null) return 'automatic';
  if (Array.isArray(value)) return value.map(formatValue).join(' – ');
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    const abs = Math.abs(value);
    return abs !== 0 && abs < 1e-3 ? value.toExponential(1) : String(Number(value.toPrecision(4)));
  }
  return String(value);
}
