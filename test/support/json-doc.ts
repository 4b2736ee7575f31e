/**
 * docs/json-output.md read as a schema. A `## \`OUTPUT\`` section describes one output's top
 * level, a `### Name` section one shape used inside; each has a table of `field | type | meaning`.
 * A type is alternatives joined by " or ": string, integer, number, usd (a number of at most nine
 * decimals), boolean, null, any, a shape's name, `T[]`; or `list of A or B` or `map of T`;
 * ", optional" after it means the field may be left out. "Every field of X" before a shape's table
 * gives it X's fields first.
 */

export interface Field {
  name: string;
  type: string;
  optional: boolean;
}

export interface Shape {
  name: string;
  fields: Map<string, Field>;
}

export interface JsonDoc {
  outputs: Map<string, Shape>;
  shapes: Map<string, Shape>;
}

export function parseJsonDoc(text: string): JsonDoc {
  const outputs = new Map<string, Shape>();
  const shapes = new Map<string, Shape>();
  let current: Shape | null = null;
  for (const line of text.split('\n')) {
    const output = /^## `([^`]+)`\s*$/.exec(line);
    const shape = /^### ([A-Z][A-Za-z]+)\s*$/.exec(line);
    if (output || shape) {
      current = { name: output ? output[1]! : shape![1]!, fields: new Map() };
      (output ? outputs : shapes).set(current.name, current);
      continue;
    }
    if (/^#{1,3} /.test(line)) current = null;
    const inherited = /^Every field of ([A-Z][A-Za-z]+)/.exec(line);
    if (current && inherited) {
      const base = shapes.get(inherited[1]!);
      if (!base) throw new Error(`${current.name}: "Every field of ${inherited[1]}" names no shape documented above it`);
      for (const [name, field] of base.fields) current.fields.set(name, field);
    }
    const row = /^\| `([^`]+)` \| ([^|]+?) \|/.exec(line);
    if (current && row) {
      const [, name, typeText] = row;
      const optional = /, optional$/.test(typeText!);
      current.fields.set(name!, { name: name!, type: typeText!.replace(/, optional$/, '').replace(/`/g, '').trim(), optional });
    }
  }
  return { outputs, shapes };
}

/** Every problem found: undocumented fields, values of the wrong type, documented shapes or fields never seen. */
export function checkAgainstDoc(doc: JsonDoc, samples: ReadonlyArray<{ output: string; value: unknown }>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { output, value } of samples) {
    const shape = doc.outputs.get(output);
    if (!shape) {
      problems.push(`${output}: not documented`);
      continue;
    }
    problems.push(...matchShape(doc, shape, value, output, seen));
  }
  for (const shape of [...doc.outputs.values(), ...doc.shapes.values()]) {
    if (!seen.has(shape.name)) {
      problems.push(`${shape.name}: documented, never seen in the outputs checked`);
      continue;
    }
    for (const field of shape.fields.values()) {
      if (!seen.has(`${shape.name}.${field.name}`)) problems.push(`${shape.name}.${field.name}: documented, never seen in the outputs checked`);
    }
  }
  return problems;
}

function matchShape(doc: JsonDoc, shape: Shape, value: unknown, path: string, seen: Set<string>): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: ${preview(value)} is not an object (${shape.name})`];
  const problems: string[] = [];
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!shape.fields.has(key)) problems.push(`${path}.${key}: not documented in ${shape.name} (value ${preview(record[key])})`);
  }
  for (const field of shape.fields.values()) {
    if (!(field.name in record)) {
      if (!field.optional) problems.push(`${path}.${field.name}: documented in ${shape.name}, missing`);
      continue;
    }
    problems.push(...matchType(doc, field.type, record[field.name], `${path}.${field.name}`, seen));
  }
  if (problems.length === 0) {
    seen.add(shape.name);
    for (const key of Object.keys(record)) seen.add(`${shape.name}.${key}`);
  }
  return problems;
}

function matchType(doc: JsonDoc, type: string, value: unknown, path: string, seen: Set<string>): string[] {
  for (const [prefix, isContainer] of [
    ['list of ', Array.isArray],
    ['map of ', (item: unknown) => item !== null && typeof item === 'object' && !Array.isArray(item)],
  ] as const) {
    if (!type.startsWith(prefix)) continue;
    if (!isContainer(value)) return [`${path}: ${preview(value)} is not ${type}`];
    return Object.entries(value as object).flatMap(([key, item]) => matchType(doc, type.slice(prefix.length), item, `${path}[${key}]`, seen));
  }
  const alternatives = type.split(' or ').map((alternative) => alternative.trim());
  let closest: string[] | null = null;
  for (const alternative of alternatives) {
    // Tried against a copy of what was seen, so a shape that does not fit marks nothing.
    const trial = new Set(seen);
    const problems = matchOne(doc, alternative, value, path, trial);
    if (problems.length === 0) {
      for (const entry of trial) seen.add(entry);
      return [];
    }
    if (closest === null || problems.length < closest.length) closest = problems;
  }
  return alternatives.length === 1 ? closest! : [`${path}: ${preview(value)} is none of ${type}`, ...closest!];
}

function matchOne(doc: JsonDoc, type: string, value: unknown, path: string, seen: Set<string>): string[] {
  const wrong = [`${path}: ${preview(value)} is not ${type}`];
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) return wrong;
    return value.flatMap((item, index) => matchType(doc, type.slice(0, -2), item, `${path}[${index}]`, seen));
  }
  switch (type) {
    case 'any':
      return [];
    case 'null':
      return value === null ? [] : wrong;
    case 'string':
      return typeof value === 'string' ? [] : wrong;
    case 'boolean':
      return typeof value === 'boolean' ? [] : wrong;
    case 'number':
      return typeof value === 'number' ? [] : wrong;
    case 'integer':
      return Number.isInteger(value) ? [] : wrong;
    case 'usd':
      return typeof value === 'number' && Number(value.toFixed(9)) === value ? [] : wrong;
  }
  const shape = doc.shapes.get(type);
  if (!shape) return [`${path}: type ${type} is not documented`];
  return matchShape(doc, shape, value, path, seen);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
