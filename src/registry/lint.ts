/**
 * Contract lint: rejects schemas that invite non-factual payloads (docs/contracts.md).
 */
import { ContractLintError } from '../events/errors.js';
import { isContextTypeName } from '../events/names.js';
import type { JsonObject, JsonValue } from '../events/types.js';

/** One problem a contract has: the rule, the path inside the schema, and what is wrong. */
export interface LintFinding {
  readonly rule: LintRule;
  readonly path: string;
  readonly message: string;
}

export type LintRule =
  | 'supported-keywords'
  | 'closed-objects'
  | 'no-free-form'
  | 'no-display-properties'
  | 'no-formatting-strings'
  | 'quantities-are-numbers'
  | 'instants-have-format'
  | 'money-has-currency'
  | 'references-are-ids';

const REFERENCE_KEYWORD = 'x-pet-reference';
const DISPLAY_NAME = /_(display|formatted|label|html|text_rendered|pretty)$/;
const QUANTITY_NAME =
  /(^|_)(minutes|hours|seconds|days|amount|total|count|quantity|price|cost|minor|percent|percentage|ratio|rate|score)$/;
const INSTANT_NAME = /_at$/;
const MONEY_NAME = /_minor$/;
const ALLOWED_STRING_FORMATS = new Set([
  'date-time',
  'date',
  'time',
  'duration',
  'uuid',
  'email',
  'uri',
]);
const CONSTRAINING_KEYWORDS = ['type', 'enum', 'const', 'anyOf', 'oneOf', 'allOf'];
// Keywords that would hide fields (and their references) from the checks here and at append.
const UNSUPPORTED_KEYWORDS = [
  '$ref',
  '$defs',
  'definitions',
  'patternProperties',
  'propertyNames',
  'dependentSchemas',
  'dependencies',
  'if',
  'then',
  'else',
  'not',
  'prefixItems',
  'contains',
  'unevaluatedProperties',
  'unevaluatedItems',
];

/** Every finding for a contract's schema. */
export function lintSchema(document: JsonObject): LintFinding[] {
  const findings: LintFinding[] = [];
  if (document.type !== 'object') {
    findings.push({
      rule: 'no-free-form',
      path: '',
      message: 'the payload must be an object schema',
    });
  }
  visit(document, '', undefined, findings);
  return findings;
}

/** Throws `PET_CONTRACT_LINT` listing every finding, if there are any. */
export function assertLintFree(
  eventType: string,
  schemaVersion: number,
  document: JsonObject,
): void {
  const findings = lintSchema(document);
  if (findings.length > 0) throw new ContractLintError(eventType, schemaVersion, findings);
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function visit(
  node: JsonObject,
  path: string,
  name: string | undefined,
  findings: LintFinding[],
): void {
  const add = (rule: LintRule, message: string) => findings.push({ rule, path, message });
  for (const keyword of UNSUPPORTED_KEYWORDS.filter((k) => k in node)) {
    add('supported-keywords', `${keyword} is not supported in contracts: spell the fields out`);
  }
  if (Array.isArray(node.items))
    add('supported-keywords', 'tuple items are not supported: use one schema for every item');
  checkUnionReferences(node, add);
  if (!CONSTRAINING_KEYWORDS.some((keyword) => keyword in node)) {
    add('no-free-form', 'accepts any value: give it a type');
  }
  if (node.type === 'object' || isObject(node.properties)) checkObject(node, add);
  if (node.type === 'string' || (Array.isArray(node.type) && node.type.includes('string'))) {
    checkString(node, name, add);
  }
  if (name !== undefined) checkName(node, name, add);
  if (isObject(node.properties)) {
    for (const [key, child] of Object.entries(node.properties)) {
      if (isObject(child)) visit(child, `${path}/properties/${key}`, key, findings);
    }
  }
  if (isObject(node.items)) visit(node.items, `${path}/items`, name, findings);
  if (isObject(node.additionalProperties)) {
    visit(node.additionalProperties, `${path}/additionalProperties`, undefined, findings);
  }
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = node[keyword];
    if (Array.isArray(branches)) {
      branches.forEach((branch, i) => {
        if (isObject(branch)) visit(branch, `${path}/${keyword}/${i}`, name, findings);
      });
    }
  }
}

type Add = (rule: LintRule, message: string) => void;

function checkObject(node: JsonObject, add: Add): void {
  const extra = node.additionalProperties;
  if (extra === undefined || extra === true) {
    add(
      'closed-objects',
      'an object must set additionalProperties: false (or a schema for its values)',
    );
  }
  const properties = isObject(node.properties) ? node.properties : {};
  if (Object.keys(properties).length === 0 && !isObject(extra)) {
    add('no-free-form', 'an object with no properties carries no facts');
  }
  const names = Object.keys(properties);
  for (const money of names.filter((n) => MONEY_NAME.test(n))) {
    const prefix = money.replace(MONEY_NAME, '');
    const currencyName = 'currency' in properties ? 'currency' : `${prefix}_currency`;
    const currency = properties[currencyName];
    const required = Array.isArray(node.required) ? node.required : [];
    const moneyRequired = required.includes(money);
    if (
      !isObject(currency) ||
      !isCurrencyCode(currency) ||
      (moneyRequired && !required.includes(currencyName))
    ) {
      add(
        'money-has-currency',
        `${money} is money in minor units: the same object needs a currency (ISO 4217, pattern ^[A-Z]{3}$)`,
      );
    }
  }
}

/**
 * A union whose branches reference different context types is ambiguous: an id alone does
 * not say which registry it belongs to. Use one field per type.
 */
function checkUnionReferences(node: JsonObject, add: Add): void {
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const branches = node[keyword];
    if (!Array.isArray(branches)) continue;
    const types = new Set(
      branches.flatMap((b) =>
        isObject(b) && typeof b[REFERENCE_KEYWORD] === 'string' ? [b[REFERENCE_KEYWORD]] : [],
      ),
    );
    if (types.size > 1) {
      add(
        'references-are-ids',
        `a choice between references to ${[...types].join(' and ')} is ambiguous: use one field per context type`,
      );
    }
  }
}

function isCurrencyCode(node: JsonObject): boolean {
  if (node.pattern === '^[A-Z]{3}$') return true;
  return (
    Array.isArray(node.enum) &&
    node.enum.every((v) => typeof v === 'string' && /^[A-Z]{3}$/.test(v))
  );
}

function checkString(node: JsonObject, name: string | undefined, add: Add): void {
  const format = node.format;
  if (typeof format === 'string' && !ALLOWED_STRING_FORMATS.has(format)) {
    add('no-formatting-strings', `format ${JSON.stringify(format)} is presentation, not a fact`);
  }
  if ('contentMediaType' in node || 'contentEncoding' in node) {
    add('no-formatting-strings', 'strings must not carry rendered or encoded content');
  }
  const reference = node[REFERENCE_KEYWORD];
  if (reference !== undefined && (typeof reference !== 'string' || !isContextTypeName(reference))) {
    add(
      'references-are-ids',
      `${REFERENCE_KEYWORD} must name a context type, got ${JSON.stringify(reference)}`,
    );
  }
  if (name !== undefined && QUANTITY_NAME.test(name)) {
    add(
      'quantities-are-numbers',
      `${name} is a quantity: type it as a number or integer, not a string`,
    );
  }
}

/** A date-time string, or a choice between one and null. */
function isInstant(node: JsonObject): boolean {
  if (node.type === 'string' && node.format === 'date-time') return true;
  const branches = node.anyOf ?? node.oneOf;
  return (
    Array.isArray(branches) &&
    branches.some((b) => isObject(b) && isInstant(b)) &&
    branches.every((b) => isObject(b) && (isInstant(b) || b.type === 'null'))
  );
}

function checkName(node: JsonObject, name: string, add: Add): void {
  if (DISPLAY_NAME.test(name)) {
    add(
      'no-display-properties',
      `${name} looks like display output: store the fact, format it when rendering`,
    );
  }
  if (INSTANT_NAME.test(name) && node.type !== 'null' && !isInstant(node)) {
    add(
      'instants-have-format',
      `${name} is an instant: type it as a string with format: date-time`,
    );
  }
  if (node[REFERENCE_KEYWORD] !== undefined && node.type !== 'string') {
    add('references-are-ids', `${name} is a reference: it must be a string id`);
  }
}
