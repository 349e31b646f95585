// Class labels from folder names (the first folder under the root, see
// data/list-images.ts). The test set must use the train set's classes.
export interface LabelledSet {
  /** Class index of each item, into `classes`. */
  readonly labels: Int32Array;
  readonly classes: readonly string[];
}

/** Labels for the train split; classes sorted by name. */
export function trainLabels(items: readonly { label: string; path: string }[]): LabelledSet {
  const atRoot = items.find((i) => i.label === '');
  if (atRoot) throw new Error(`evaluation needs one sub-folder per class, but ${atRoot.path} is directly in the folder`);
  const classes = [...new Set(items.map((i) => i.label))].sort();
  if (classes.length < 2) throw new Error(`evaluation needs at least two classes (sub-folders), found ${classes.length}`);
  return labelsFor(items, classes);
}

/** Labels for the test split in the train split's classes; an unknown class is an error. */
export function labelsFor(items: readonly { label: string; path: string }[], classes: readonly string[]): LabelledSet {
  const index = new Map(classes.map((c, i) => [c, i]));
  const labels = new Int32Array(items.length);
  items.forEach((item, i) => {
    const c = index.get(item.label);
    if (c === undefined) throw new Error(`${item.path}: class '${item.label}' does not exist in the training folder (classes: ${classes.join(', ')})`);
    labels[i] = c;
  });
  return { labels, classes };
}

export function accuracy(predicted: Int32Array, truth: Int32Array): number {
  if (predicted.length !== truth.length) throw new Error('accuracy: prediction and truth lengths differ');
  if (truth.length === 0) return 0;
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) right++;
  return right / truth.length;
}
