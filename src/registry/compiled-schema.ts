/**
 * A stored schema compiled for appends: payload validation (Ajv, every violation reported)
 * and the reference fields it declares.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import type { ContextRef, JsonObject, JsonValue } from '../events/types.js';

const REFERENCE_KEYWORD = 'x-pet-reference';

/** One way a payload breaks its schema: where (a JSON pointer) and what. */
export interface Violation {
  readonly pointer: string;
  readonly message: string;
}

/** A reference a payload holds: where, and which context it names. */
export interface PayloadReference {
  readonly pointer: string;
  readonly context: ContextRef;
}

/** A schema ready to check payloads. */
export interface CompiledSchema {
  /** Every violation, or an empty list for a valid payload. */
  validate(payload: unknown): Violation[];
  /** The references a (valid) payload holds. */
  references(payload: JsonObject): PayloadReference[];
}

// ajv-formats is CommonJS: under Node's ESM interop its default export is the plugin itself.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv, ['date-time', 'date', 'time', 'duration', 'uuid', 'email', 'uri']);
  ajv.addKeyword({ keyword: REFERENCE_KEYWORD, schemaType: 'string' });
  return ajv;
}

const ajv = createAjv();

/** Compiles a schema document once; throws if it is not valid JSON Schema. */
export function compileSchema(document: JsonObject): CompiledSchema {
  const validate: ValidateFunction = ajv.compile(document);
  // Each segment's pointer form (RFC 6901) worked out once, not for every payload.
  const paths = referencePaths(document, []).map(({ path, contextType }) => ({
    path,
    segments: path.map((segment) => (segment === EVERY ? '' : escape(segment))),
    contextType,
  }));
  return {
    validate(payload) {
      if (validate(payload)) return [];
      return (validate.errors ?? []).map(toViolation);
    },
    references(payload) {
      const found: PayloadReference[] = [];
      for (const { path, segments, contextType } of paths)
        collect(payload, path, segments, 0, '', contextType, found);
      return found;
    },
  };
}

function toViolation(error: ErrorObject): Violation {
  const params = error.params as { additionalProperty?: string; missingProperty?: string };
  if (error.keyword === 'additionalProperties' && params.additionalProperty !== undefined) {
    return {
      pointer: `${error.instancePath}/${escape(params.additionalProperty)}`,
      message: 'is not allowed',
    };
  }
  if (error.keyword === 'required' && params.missingProperty !== undefined) {
    return {
      pointer: `${error.instancePath}/${escape(params.missingProperty)}`,
      message: 'is required',
    };
  }
  return { pointer: error.instancePath, message: error.message ?? error.keyword };
}

/**
 * A path segment that stands for every item of an array or every value of a map: not a
 * string, so that no property name (`"*"` included) can be taken for it.
 */
const EVERY = null;
type Segment = string | typeof EVERY;

interface ReferencePath {
  readonly path: readonly Segment[];
  readonly contextType: string;
}

/** Where a schema declares references; `EVERY` stands for every item of an array or map. */
function referencePaths(node: JsonValue, path: Segment[]): ReferencePath[] {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return [];
  const found: ReferencePath[] = [];
  const reference = node[REFERENCE_KEYWORD];
  if (typeof reference === 'string') found.push({ path, contextType: reference });
  const properties = node.properties;
  if (typeof properties === 'object' && properties !== null && !Array.isArray(properties)) {
    for (const [key, child] of Object.entries(properties))
      found.push(...referencePaths(child, [...path, key]));
  }
  if (node.items !== undefined) found.push(...referencePaths(node.items, [...path, EVERY]));
  if (typeof node.additionalProperties === 'object') {
    found.push(...referencePaths(node.additionalProperties, [...path, EVERY]));
  }
  for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
    const branches = node[keyword];
    if (Array.isArray(branches))
      for (const branch of branches) found.push(...referencePaths(branch, path));
  }
  return dedupe(found);
}

function dedupe(paths: ReferencePath[]): ReferencePath[] {
  const seen = new Set<string>();
  return paths.filter((p) => {
    const key = JSON.stringify([p.path, p.contextType]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The references at `path[at…]` below `value`, whose pointer is `pointer`; `segments` are the
 * path's segments escaped for a pointer.
 */
function collect(
  value: JsonValue | undefined,
  path: readonly Segment[],
  segments: readonly string[],
  at: number,
  pointer: string,
  contextType: string,
  found: PayloadReference[],
): void {
  if (value === undefined || value === null) return;
  if (at === path.length) {
    if (typeof value === 'string')
      found.push({ pointer, context: { type: contextType, id: value } });
    return;
  }
  const head = path[at] as Segment;
  if (head === EVERY) {
    // Every item of an array, or every value of a map (additionalProperties).
    if (Array.isArray(value)) {
      value.forEach((item, i) =>
        collect(item, path, segments, at + 1, `${pointer}/${i}`, contextType, found),
      );
    } else if (typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        collect(item, path, segments, at + 1, `${pointer}/${escape(key)}`, contextType, found);
      }
    }
    return;
  }
  if (typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, head)) {
    collect(
      value[head],
      path,
      segments,
      at + 1,
      `${pointer}/${segments[at] as string}`,
      contextType,
      found,
    );
  }
}

/** RFC 6901 escaping of one pointer segment. */
function escape(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
