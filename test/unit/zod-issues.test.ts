// formatZodIssues (main/zod-issues.ts): the one wording of zod's refusals — every issue
// names its field (or the whole value) and the reason — on real zod schemas, and the API's
// InvalidInput message built from it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { serializeError } from '../../main/api/dispatch.ts';
import { methodInputs } from '../../main/api/contract.ts';
import { formatZodIssues } from '../../main/zod-issues.ts';

/** The ZodError of parsing `input` with `schema` (fails the test if it is accepted). */
function refusal(schema: z.ZodType, input: unknown): z.ZodError {
  const result = schema.safeParse(input);
  assert.ok(!result.success, `${JSON.stringify(input)} was accepted`);
  return result.error;
}

const settings = z.object({
  batchSize: z.number().int().min(2, 'a batch needs at least two images'),
  augment: z.object({ cropScale: z.tuple([z.number().gt(0, 'too small'), z.number()]) }),
});

test('every issue is "<dotted path>: <reason>", joined by "; "', () => {
  const error = refusal(settings, { batchSize: 1, augment: { cropScale: [0, 1] } });
  assert.equal(formatZodIssues(error, { whole: 'config' }), 'batchSize: a batch needs at least two images; augment.cropScale.0: too small');
});

test('an issue about the whole value is named by `whole`', () => {
  const message = formatZodIssues(refusal(settings, 'not an object'), { whole: 'config' });
  assert.match(message, /^config: .*expected object/);
});

test('rename gives a field the name the user typed; unrenamed fields keep their path', () => {
  const flags: Record<string, string> = { batchSize: '--batch-size' };
  const error = refusal(settings, { batchSize: 1, augment: { cropScale: [0, 1] } });
  assert.equal(
    formatZodIssues(error, { whole: 'config', rename: (field) => flags[field] }),
    '--batch-size: a batch needs at least two images; augment.cropScale.0: too small',
  );
});

test('a symbol in a path is named, not thrown on', () => {
  const key = Symbol('hidden');
  const schema = z.number().superRefine((_, ctx) => ctx.addIssue({ code: 'custom', message: 'refused', path: [key] }));
  assert.equal(formatZodIssues(refusal(schema, 1), { whole: 'value' }), 'Symbol(hidden): refused');
});

test("the API's InvalidInput names the field and the reason after its prefix", () => {
  const error = refusal(methodInputs.listImages, { datasetId: -1, offset: 0, limit: 10 });
  const serialized = serializeError(error);
  assert.equal(serialized.name, 'InvalidInput');
  assert.match(serialized.message, /^invalid input: datasetId: \S/);
  assert.match(serializeError(refusal(methodInputs.listImages, 'x')).message, /^invalid input: input: .*expected object/);
});
