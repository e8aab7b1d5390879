// Text read from files (a model's output, a record's split or failure mode, a file or folder
// name) shown on one line of a listing: a line break in it would read as a line of the listing.

/** Runs of whitespace and control characters: JavaScript's \s, and the controls it leaves out
 * (U+0085 NEL among them, a line end to Python's splitlines and to Unicode). */
// eslint-disable-next-line no-control-regex
const BREAKS = /[\s\u0000-\u001f\u007f-\u009f]+/g;

/** `text` with its whitespace and control characters as single spaces, trimmed, and cut to
 * `width` characters (an ellipsis marks the cut). */
export function oneLine(text: string, width = Infinity): string {
  const flat = text.replace(BREAKS, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

/** The longest a name read from a file (a folder, an experiment, a split, a failure mode) is shown: an excerpt's width. */
export const NAME_WIDTH = 120;

/** A name read from a file, on one line and bounded. */
export const shownName = (text: string): string => oneLine(text, NAME_WIDTH);
