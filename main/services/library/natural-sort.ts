// The key the library grid sorts by, so "img2" comes before "img10" and "B.jpg" next to
// "a.jpg": ASCII letters lowercased, and every run of digits written as its length (two
// digits) followed by the number without leading zeros, so comparing keys byte by byte
// compares numbers by value ("2" → "012", "10" → "0210", "007" → "017"). Runs start with
// a digit either way, so digits still sort where they did against other characters.
//
// Migration 0005 computes the same key in SQL to backfill existing rows (SQLite's lower()
// also folds ASCII only, which is why non-ASCII letters keep their case here);
// test/unit/library-sort.test.ts checks the two agree. Change both or neither.

const DIGIT_RUN = /[0-9]+/g;
const ASCII_UPPER = /[A-Z]+/g;

function numberKey(digits: string): string {
  const value = digits.replace(/^0+/, '') || '0';
  return `${String(value.length).padStart(2, '0')}${value}`;
}

export function naturalSortKey(relPath: string): string {
  return relPath.replace(ASCII_UPPER, (letters) => letters.toLowerCase()).replace(DIGIT_RUN, numberKey);
}
