// A language-model tool's input checked against its inputSchema (package.json's
// contributes.languageModelTools, the one statement of each field's type): vscode.lm.invokeTool
// hands a tool the model's JSON unchecked, so a string "false" would read as true and a missing
// run crash the tool. Only what those schemas use: string (enum), boolean, number, integer
// (minimum, maximum), required. Pure.

export interface ToolProperty {
  type: 'string' | 'boolean' | 'number' | 'integer';
  enum?: string[];
  minimum?: number;
  maximum?: number;
}

export interface ToolInputSchema {
  required?: string[];
  properties?: Record<string, ToolProperty>;
}

/** Each language-model tool's inputSchema, by tool name, from the extension's package.json. */
export function toolSchemas(packageJson: unknown): Record<string, ToolInputSchema> {
  const tools = (packageJson as { contributes?: { languageModelTools?: { name: string; inputSchema?: ToolInputSchema }[] } }).contributes?.languageModelTools ?? [];
  return Object.fromEntries(tools.map((t) => [t.name, t.inputSchema ?? {}]));
}

/** The input of `tool`, its fields checked against `schema` (an optional field given as null is
 * left out, as models write "not given"); an error names the tool, the field and what it takes. */
export function checkToolInput<T>(tool: string, schema: ToolInputSchema, input: unknown): T {
  const properties = schema.properties ?? {};
  const fields = Object.keys(properties);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error(`${tool}: its input must be an object${fields.length ? ` with ${fields.join(', ')}` : ''}`);
  const given = input as Record<string, unknown>;
  const unknown = Object.keys(given).find((field) => !(field in properties));
  if (unknown !== undefined) throw new Error(`${tool}: no field ${unknown}: it takes ${fields.join(', ') || 'none'}`);
  const checked: Record<string, unknown> = {};
  for (const [field, property] of Object.entries(properties)) {
    const value = given[field];
    if (value === undefined || value === null) {
      if (schema.required?.includes(field)) throw new Error(`${tool}: ${field} is required: ${takes(property)}`);
      continue;
    }
    if (!fits(value, property)) throw new Error(`${tool}: ${field} takes ${takes(property)}, not ${shown(value)}`);
    checked[field] = value;
  }
  return checked as T;
}

function fits(value: unknown, p: ToolProperty): boolean {
  if (p.type === 'string') return typeof value === 'string' && (!p.enum || p.enum.includes(value));
  if (p.type === 'boolean') return typeof value === 'boolean';
  if (typeof value !== 'number' || !Number.isFinite(value) || (p.type === 'integer' && !Number.isInteger(value))) return false;
  return (p.minimum === undefined || value >= p.minimum) && (p.maximum === undefined || value <= p.maximum);
}

function takes(p: ToolProperty): string {
  if (p.type === 'string') return p.enum ? `one of ${p.enum.map((v) => JSON.stringify(v)).join(', ')}` : 'a string';
  if (p.type === 'boolean') return 'true or false';
  const kind = p.type === 'integer' ? 'an integer' : 'a number';
  if (p.minimum !== undefined && p.maximum !== undefined) return `${kind} from ${p.minimum} to ${p.maximum}`;
  if (p.minimum !== undefined) return `${kind} of at least ${p.minimum}`;
  return p.maximum !== undefined ? `${kind} of at most ${p.maximum}` : kind;
}

/** The value as the error shows it: JSON, cut short. */
function shown(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
