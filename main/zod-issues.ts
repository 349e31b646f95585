// zod's validation issues as one line a person can act on: "<field>: <reason>; <field>:
// <reason>", the field being the issue's dotted path ("augment.cropScale.0"). One wording
// for the API's input check (main/api/dispatch), the experiment settings
// (main/services/experiments) and the CLI's training flags (main/cli/train); each caller
// puts its own prefix in front. The renderer splits the experiment message back into
// fields on this shape (renderer/features/experiments/validation-messages.ts).
import type { ZodError } from 'zod';

export interface IssueNames {
  /** The name of an issue about the whole value (an empty path), e.g. 'config'. */
  whole: string;
  /** The name the user knows a field path by (a CLI flag), or undefined to keep the path. */
  rename?: (path: string) => string | undefined;
}

export function formatZodIssues(error: ZodError, names: IssueNames): string {
  return error.issues
    .map((issue) => {
      // Paths may hold symbols (zod's PropertyKey[]); String() names them instead of throwing.
      const path = issue.path.map(String).join('.');
      const field = path === '' ? names.whole : (names.rename?.(path) ?? path);
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}
