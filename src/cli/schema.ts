/**
 * The interchange format's JSON Schemas (docs/schema/), the contract other
 * languages validate against. `answer` and `check` hold their files to them
 * as well as to the validators of src/world/interchange.ts, which speak first
 * (their messages name the field in the format's words) and also check what a
 * schema cannot say: one value per entity, an event's entity counts agreeing.
 * test/schema.test.ts holds the two to the same verdicts.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { InterchangeError } from '../world/interchange.js';

export type SchemaName = 'episode' | 'answer';

/** docs/schema/ from src/cli/ and from dist/cli/ alike. */
const SCHEMA_DIR = new URL('../../docs/schema/', import.meta.url);

const compiled = new Map<SchemaName, ValidateFunction>();

/** The compiled schema `docs/schema/NAME.schema.json` (read once). */
export function schemaValidator(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    const schema = JSON.parse(
      readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), 'utf8'),
    ) as object;
    validate = new Ajv2020({ allErrors: false }).compile(schema);
    compiled.set(name, validate);
  }
  return validate;
}

/** "/demos/0/before/entities/2/pos" -> "demos[0].before.entities[2].pos" */
export function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, p) => (/^\d+$/.test(p) ? `${path}[${p}]` : path ? `${path}.${p}` : p), '');
}

function describeError(e: ErrorObject): string {
  const at = fieldPath(e.instancePath);
  return `${at || 'the file'}: ${e.message ?? 'is not valid'}`;
}

/** Throws an InterchangeError naming the first place `value` breaks the schema. */
export function checkSchema(name: SchemaName, value: unknown, source?: string): void {
  const validate = schemaValidator(name);
  if (validate(value)) return;
  const first = validate.errors?.[0];
  throw new InterchangeError(
    `does not match docs/schema/${name}.schema.json: ${first ? describeError(first) : 'invalid'}`,
    '',
    source,
  );
}
