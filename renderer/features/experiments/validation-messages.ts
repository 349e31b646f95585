// The backend refuses invalid settings with one message naming each field, e.g.
// "The training settings are not valid: batchSize: a batch needs at least two images;
// augment.cropScale: both ends must be in (0, 1]." (main/services/experiments
// validConfig). Split into per-field messages so the form can show each next to its
// field; anything that does not name a field stays a general message.

export interface FieldMessages {
  /** By field key ("augment.cropScale"). */
  byField: Record<string, string>;
  /** Messages not tied to a known field (shown above the buttons). */
  general: string[];
}

const PREFIX = /^The training settings are not valid:\s*/;

export function splitValidationMessage(message: string, knownFields: ReadonlySet<string>): FieldMessages {
  const result: FieldMessages = { byField: {}, general: [] };
  if (!PREFIX.test(message)) {
    result.general.push(message);
    return result;
  }
  const body = message.replace(PREFIX, '').replace(/\.$/, '');
  for (const part of body.split(/;\s*/)) {
    const colon = part.indexOf(': ');
    const key = colon > 0 ? part.slice(0, colon) : '';
    // A tuple's element ("augment.cropScale.0") belongs to the range field.
    const field = [key, key.replace(/\.\d+$/, '')].find((candidate) => knownFields.has(candidate));
    if (field) result.byField[field] = result.byField[field] ? `${result.byField[field]}; ${part.slice(colon + 2)}` : part.slice(colon + 2);
    else result.general.push(part);
  }
  return result;
}
