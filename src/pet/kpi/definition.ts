/**
 * KPI definitions are data: a JSON document, validated by the JSON Schema below (declared
 * with TypeBox, so the TypeScript type follows it). A metric extracts raw facts from events;
 * a KPI adds judgement (a direction, a target and a breach line). A definition never
 * changes: a new target is a new version of the same key.
 */
import { Type, type Static } from '@sinclair/typebox';
import { KpiDefinitionInvalidError } from '../../events/errors.js';
import { canonicalSha256 } from '../../events/canonical-json.js';
import { compileSchema } from '../../registry/compiled-schema.js';
import { duration } from '../format.js';

const FieldName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });
const FieldValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

/** Events a metric reads: a type, the versions it accepts, and the payload facts it needs. */
export const EventSourceSchema = Type.Object(
  {
    type: Type.String({ pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$' }),
    versions: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, uniqueItems: true }),
    /** Only events whose payload field equals the value (or one of the values). */
    where: Type.Optional(
      Type.Record(FieldName, Type.Union([FieldValue, Type.Array(FieldValue, { minItems: 1 })])),
    ),
    /** The payload field holding the number (sum, avg, min, max, percentile). */
    value: Type.Optional(FieldName),
    /** A payload field subtracted from `value` (a correction's original minutes). */
    minus: Type.Optional(FieldName),
    /** Only events whose context had no earlier event of this kind (in log order). */
    unless_earlier: Type.Optional(
      Type.Object(
        {
          type: Type.String({ pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$' }),
          versions: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, uniqueItems: true }),
          where: Type.Optional(Type.Record(FieldName, FieldValue)),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type EventSource = Static<typeof EventSourceSchema>;

const Statistic = Type.Union([
  Type.Literal('count'),
  Type.Literal('sum'),
  Type.Literal('avg'),
  Type.Literal('min'),
  Type.Literal('max'),
]);

/** A metric over events: a statistic of the values of its sources. */
const SimpleMetric = Type.Object(
  {
    aggregate: Statistic,
    from: Type.Array(EventSourceSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);
const PercentileMetric = Type.Object(
  {
    aggregate: Type.Literal('percentile'),
    percentile: Type.Integer({ minimum: 1, maximum: 99 }),
    from: Type.Array(EventSourceSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);
/** Minutes from a context's first start event to its first end event, counted at the end. */
const DurationMetric = Type.Object(
  {
    aggregate: Type.Literal('duration'),
    statistic: Type.Union([Statistic, Type.Literal('percentile')]),
    percentile: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
    start: EventSourceSchema,
    end: EventSourceSchema,
  },
  { additionalProperties: false },
);
/** One metric divided by another (each a count or a sum). */
const RatioMetric = Type.Object(
  {
    aggregate: Type.Literal('ratio'),
    numerator: SimpleMetric,
    denominator: SimpleMetric,
  },
  { additionalProperties: false },
);

export const SCOPE_KINDS = ['organisation', 'employee', 'team', 'customer', 'project'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export const KpiDefinitionSchema = Type.Object(
  {
    key: Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' }),
    version: Type.Integer({ minimum: 1 }),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    /** How values read: `percent` shows a ratio as a percentage. */
    unit: Type.Union([
      Type.Literal('count'),
      Type.Literal('minutes'),
      Type.Literal('percent'),
      Type.Literal('ratio'),
    ]),
    direction: Type.Union([Type.Literal('higher_is_better'), Type.Literal('lower_is_better')]),
    metric: Type.Union([SimpleMetric, PercentileMetric, DurationMetric, RatioMetric]),
    /** A payload field of the sources whose values split the KPI (`source` of a lead). */
    group_by: Type.Optional(FieldName),
    scopes: Type.Array(Type.Union(SCOPE_KINDS.map((kind) => Type.Literal(kind))), {
      minItems: 1,
      uniqueItems: true,
    }),
    /** Whom an event counts for in employee (and team) scopes: its actor, or a payload field. */
    employee: Type.Optional(Type.Union([Type.Literal('actor'), FieldName])),
    /** Judgement: good at or past the target, breach past the breach line, warning between. */
    thresholds: Type.Optional(
      Type.Object(
        { target: Type.Number(), breach: Type.Number() },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type KpiDefinition = Static<typeof KpiDefinitionSchema>;
export type Metric = KpiDefinition['metric'];

const compiled = compileSchema(KpiDefinitionSchema);

/** Checks a definition document: the schema, then the rules a schema cannot say. */
export function validateDefinition(document: unknown): KpiDefinition {
  const violations = compiled.validate(document);
  if (violations.length > 0) {
    const first = violations[0];
    throw new KpiDefinitionInvalidError(
      first?.pointer ?? '',
      violations.map((v) => `${v.pointer || '/'} ${v.message}`).join('; '),
    );
  }
  const definition = document as KpiDefinition;
  const { metric } = definition;
  const needsValue = (aggregate: string) => aggregate !== 'count';
  const check = (at: string, aggregate: string, from: readonly EventSource[]) => {
    from.forEach((source, i) => {
      // An event counts once in a part: one source per type.
      if (from.findIndex((other) => other.type === source.type) !== i) {
        throw new KpiDefinitionInvalidError(
          `${at}/from/${i}/type`,
          `${source.type} is a source twice`,
        );
      }
      if (needsValue(aggregate) && source.value === undefined) {
        throw new KpiDefinitionInvalidError(
          `${at}/from/${i}/value`,
          `a ${aggregate} needs a value field`,
        );
      }
      if (!needsValue(aggregate) && source.value !== undefined) {
        throw new KpiDefinitionInvalidError(
          `${at}/from/${i}/value`,
          'a count takes no value field',
        );
      }
    });
  };
  if (metric.aggregate === 'ratio') {
    check('/metric/numerator', metric.numerator.aggregate, metric.numerator.from);
    check('/metric/denominator', metric.denominator.aggregate, metric.denominator.from);
    for (const part of [metric.numerator, metric.denominator]) {
      if (!['count', 'sum'].includes(part.aggregate)) {
        throw new KpiDefinitionInvalidError('/metric', 'a ratio divides counts or sums');
      }
    }
  } else if (metric.aggregate === 'duration') {
    if ((metric.statistic === 'percentile') !== (metric.percentile !== undefined)) {
      throw new KpiDefinitionInvalidError(
        '/metric/percentile',
        'goes with the percentile statistic, only',
      );
    }
  } else {
    check('/metric', metric.aggregate, metric.from);
  }
  if (definition.group_by !== undefined && metric.aggregate === 'duration') {
    throw new KpiDefinitionInvalidError(
      '/group_by',
      'groups the events of a metric, not durations',
    );
  }
  const thresholds = definition.thresholds;
  if (thresholds !== undefined) {
    const ordered =
      definition.direction === 'higher_is_better'
        ? thresholds.breach <= thresholds.target
        : thresholds.breach >= thresholds.target;
    if (!ordered) {
      throw new KpiDefinitionInvalidError(
        '/thresholds',
        `the breach line must be on the bad side of the target (${definition.direction})`,
      );
    }
  }
  return definition;
}

/** Every event source a definition reads, wherever it sits in the metric. */
export function sourcesOf(metric: Metric): { part: Part; source: EventSource }[] {
  switch (metric.aggregate) {
    case 'ratio':
      return [
        ...metric.numerator.from.map((source) => ({ part: 'numerator' as const, source })),
        ...metric.denominator.from.map((source) => ({ part: 'denominator' as const, source })),
      ];
    case 'duration':
      return [
        { part: 'start' as const, source: metric.start },
        { part: 'value' as const, source: metric.end },
      ];
    default:
      return metric.from.map((source) => ({ part: 'value' as const, source }));
  }
}

/** Which figure of a KPI a contribution adds to. */
export type Part = 'value' | 'numerator' | 'denominator' | 'start';

/** The sha256 of a definition's canonical JSON: the same document, the same hash. */
export function definitionHash(definition: KpiDefinition): string {
  return canonicalSha256(definition);
}

/** How a value compares with its definition's thresholds. */
export type Classification = 'good' | 'warning' | 'breach' | 'unclassified';

/** The classification of a value, and why, in words. */
export function classify(
  definition: KpiDefinition,
  value: number | null,
): { classification: Classification; reason: string } {
  const { thresholds } = definition;
  if (thresholds === undefined) {
    return { classification: 'unclassified', reason: 'the definition sets no target' };
  }
  if (value === null) return { classification: 'unclassified', reason: 'no value: no events' };
  const show = (n: number) => formatValue(definition, n);
  const higher = definition.direction === 'higher_is_better';
  const meets = higher ? value >= thresholds.target : value <= thresholds.target;
  const past = higher ? value < thresholds.breach : value > thresholds.breach;
  const [better, worse] = higher ? ['above', 'below'] : ['below', 'above'];
  if (meets) {
    return {
      classification: 'good',
      reason: `${show(value)} is ${value === thresholds.target ? 'at' : better} the ${show(thresholds.target)} target: good`,
    };
  }
  if (past) {
    return {
      classification: 'breach',
      reason: `${show(value)} is ${worse} the ${show(thresholds.breach)} breach line: breach`,
    };
  }
  return {
    classification: 'warning',
    reason: `${show(value)} is ${worse} the ${show(thresholds.target)} target and ${value === thresholds.breach ? 'at' : better} the ${show(thresholds.breach)} breach line: warning`,
  };
}

/** `82 %`, `2 h 15 min`, `12`: a value in its unit (minutes to the nearest minute). */
export function formatValue(definition: KpiDefinition, value: number): string {
  const round = (n: number) => Math.round(n * 100) / 100;
  switch (definition.unit) {
    case 'percent':
      return `${round(value * 100)} %`;
    case 'minutes':
      return duration(Math.round(value));
    default:
      return String(round(value));
  }
}
