// The "Advanced" settings form's logic: the field list (renderer/features/experiments/
// config-fields.ts) against the engine's schema, and the backend's refusal split into
// per-field messages (validation-messages.ts), using the real message of validConfig.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { augmentSchema, resolveTrainConfig, trainConfigSchema } from '../../worker/simclr/config.ts';
import { validConfig } from '../../main/services/experiments/experiments-service.ts';
import { CONFIG_FIELDS, fieldKey, type ConfigField } from '../../renderer/features/experiments/config-fields.ts';
import { splitValidationMessage } from '../../renderer/features/experiments/validation-messages.ts';

const knownFields = new Set(CONFIG_FIELDS.map((field) => fieldKey(field.path)));

/** The backend's message for a refused input (what the form receives). */
function refusal(input: Record<string, unknown>): string {
  try {
    validConfig(input);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail(`${JSON.stringify(input)} was accepted`);
}

/** A config input with one field set, e.g. {augment: {cropScale: v}}. */
function inputWith(field: ConfigField, value: unknown): Record<string, unknown> {
  const [head, tail] = field.path;
  return tail === undefined ? { [head!]: value } : { [head!]: { [tail]: value } };
}

test('the form lists every setting of the engine exactly once, and nothing else', () => {
  const engine = [
    ...Object.keys(trainConfigSchema.shape).filter((key) => key !== 'augment'),
    ...Object.keys(augmentSchema.shape).map((key) => `augment.${key}`),
  ].sort();
  const form = CONFIG_FIELDS.map((field) => fieldKey(field.path));
  assert.equal(new Set(form).size, form.length, 'no field twice');
  assert.deepEqual([...form].sort(), engine);
});

/**
 * Fields whose form minimum is the engine's exclusive bound: the spinner stops at 0, the
 * engine wants > 0 (the learning rate). There the minimum itself is refused, and the
 * refusal must be shown next to that field.
 */
const EXCLUSIVE_MIN = new Set(['lr']);

test('every value the form offers is one the engine accepts (an exclusive minimum is refused on its field)', () => {
  for (const field of CONFIG_FIELDS) {
    const key = fieldKey(field.path);
    const values: unknown[] = [];
    if (field.kind.type === 'select') values.push(...field.kind.options.map((option) => option.value));
    else if (field.kind.type === 'number' && EXCLUSIVE_MIN.has(key)) {
      const split = splitValidationMessage(refusal(inputWith(field, field.kind.min)), knownFields);
      assert.deepEqual(Object.keys(split.byField), [key], `${key} = ${field.kind.min} is refused on its field`);
      values.push(field.kind.max ?? field.kind.step);
    } else if (field.kind.type === 'number') values.push(...[field.kind.min, field.kind.max].filter((v) => v !== undefined));
    else values.push([field.kind.min, field.kind.max ?? field.kind.min + field.kind.step]);
    if (field.auto) values.push(field.auto.manualStart);
    if (field.auto?.nullable) values.push(null);
    for (const value of values) {
      assert.doesNotThrow(() => resolveTrainConfig(inputWith(field, value)), `${key} = ${JSON.stringify(value)}`);
    }
  }
});

test('a select offers exactly the engine’s choices: a value not offered is refused', () => {
  const backbone = CONFIG_FIELDS.find((field) => fieldKey(field.path) === 'backbone')!;
  assert.equal(backbone.kind.type, 'select');
  assert.throws(() => resolveTrainConfig({ backbone: 'vgg16' } as never));
  // Every select offers all of the engine's choices (the test above checks each offered one is accepted).
  for (const field of CONFIG_FIELDS) {
    if (field.kind.type !== 'select') continue;
    const [head, tail] = field.path;
    const shape: Record<string, z.ZodType> = tail === undefined ? trainConfigSchema.shape : augmentSchema.shape;
    const declared = shape[tail ?? head!];
    const inner = declared instanceof z.ZodDefault ? declared.unwrap() : declared;
    assert.ok(inner instanceof z.ZodEnum, `${fieldKey(field.path)} is an enum in the engine`);
    assert.deepEqual(field.kind.options.map((option) => option.value).sort(), [...inner.options].sort(), `${fieldKey(field.path)} offers every choice`);
  }
});

test('the backend’s refusal is split per field, a tuple element belongs to its range field', () => {
  const message = refusal({ batchSize: 1, augment: { cropScale: [0.5, 2], blurSigma: [0.1, 'wide'] } });
  const split = splitValidationMessage(message, knownFields);
  assert.deepEqual(Object.keys(split.byField).sort(), ['augment.blurSigma', 'augment.cropScale', 'batchSize']);
  assert.match(split.byField.batchSize!, /at least two images/);
  assert.match(split.byField['augment.cropScale']!, /\(0, 1\]/);
  assert.doesNotMatch(split.byField.batchSize!, /^batchSize|\.$/, 'the field name and the final full stop are not repeated');
  assert.deepEqual(split.general, []);
});

test('two reasons for the same field are both kept', () => {
  const split = splitValidationMessage('The training settings are not valid: augment.cropScale.0: too small; augment.cropScale: both ends must be in (0, 1].', knownFields);
  assert.equal(split.byField['augment.cropScale'], 'too small; both ends must be in (0, 1]');
});

test('a reason naming no known field, and any other error, stay general messages', () => {
  const split = splitValidationMessage('The training settings are not valid: config: expected an object; learningRate: unknown; imageSize: too large.', knownFields);
  assert.deepEqual(split.general, ['config: expected an object', 'learningRate: unknown']);
  assert.deepEqual(split.byField, { imageSize: 'too large' });
  const other = splitValidationMessage('The dataset was removed from the library.', knownFields);
  assert.deepEqual(other, { byField: {}, general: ['The dataset was removed from the library.'] });
});
