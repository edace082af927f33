import Type from 'typebox';
import { Nullable, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';
import { FACTORS } from '../../domain/churn-score.ts';

const Weight = Type.Number({ minimum: 0, maximum: 1000 });
const Weights = Type.Object(Object.fromEntries(FACTORS.map((f) => [f, Weight])) as { [K in (typeof FACTORS)[number]]: typeof Weight }, {
  additionalProperties: false,
  description: 'Relative weight of each factor; the score is their weighted mean of the normalised factors, times 100.',
});
const Thresholds = Type.Object(
  {
    medium: Type.Integer({ format: 'int32', minimum: 1, maximum: 100, description: 'Score from which the level is medium.' }),
    high: Type.Integer({ format: 'int32', minimum: 1, maximum: 100, description: 'Score from which the level is high (a retention care ticket is opened on entering it).' }),
    lost_after_days: Type.Integer({ format: 'int32', minimum: 30, maximum: 3650, description: 'Days without contact after which the customer is lost.' }),
  },
  { additionalProperties: false },
);

export const ChurnModelSchema = Type.Object(
  {
    window_days: Type.Integer({ format: 'int32', minimum: 7, maximum: 1095 }),
    weights: Weights,
    thresholds: Thresholds,
    updated_at: Timestamp,
    version: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
  },
  { $id: 'ChurnModel', additionalProperties: false },
);
registerShared(ChurnModelSchema);

export const PutChurnModel = Type.Object(
  { window_days: Type.Integer({ format: 'int32', minimum: 7, maximum: 1095 }), weights: Weights, thresholds: Thresholds },
  { additionalProperties: false },
);

export const ChurnFactorSchema = Type.Object(
  {
    factor: StringEnum(FACTORS),
    value: Nullable(Type.Number()),
    normalized: Type.Number(),
    weight: Type.Number(),
    contribution: Type.Number({ description: 'Score points this factor adds.' }),
    rule: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const ChurnRiskSchema = Type.Object(
  {
    customer_id: Uuid,
    score: Nullable(Type.Integer({ format: 'int32', minimum: 0, maximum: 100 })),
    level: Nullable(StringEnum(['low', 'medium', 'high'] as const)),
    lifecycle_status: StringEnum(['active', 'at_risk', 'lost', 'erased'] as const),
    scored_at: Nullable(Timestamp),
    factors: Type.Array(ChurnFactorSchema, { maxItems: 20 }),
    history: Type.Array(
      Type.Object({ scored_at: Timestamp, score: Type.Integer({ format: 'int32', minimum: 0, maximum: 100 }), level: StringEnum(['low', 'medium', 'high'] as const) }, { additionalProperties: false }),
      { maxItems: 100, description: 'Scores as they changed, newest first (at most 100).' },
    ),
  },
  { $id: 'CustomerChurnRisk', additionalProperties: false },
);
registerShared(ChurnRiskSchema);
