// JSON as Python's json module writes it. json.dumps (allow_nan=True, its default, which the
// Hugging Face Trainer's trainer_state.json and verl's generation dumps keep) writes a float that
// is not finite as the bare word NaN, Infinity or -Infinity, which JSON.parse rejects: one
// diverged step would cost the whole file. Pure.

/** A string (kept whole, so that words inside it are left alone), or a non-finite float's word. */
const STRING_OR_NON_FINITE = /"[^"\\]*(?:\\.[^"\\]*)*"|-?Infinity|NaN/g;

/** Parse JSON that Python's json.dumps wrote; NaN, Infinity and -Infinity read as null. Throws SyntaxError as JSON.parse does. */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const strict = text.replace(STRING_OR_NON_FINITE, (token) => (token.startsWith('"') ? token : 'null'));
    if (strict === text) throw error;
    return JSON.parse(strict);
  }
}
