import Type, { type Static } from 'typebox';
import { DateOnly, ListQueryBase, Nullable, Page, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

const CriterionKey = Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9_]{0,39}$', description: 'The criterion’s key in review scores: lower-case letters, digits and _.' });
const Criterion = Type.Object(
  {
    key: CriterionKey,
    name: Type.String({ minLength: 1, maxLength: 100, description: 'What reviewers see, e.g. 响应及时 (timely response).' }),
    weight: Type.Integer({ format: 'int32', minimum: 1, maximum: 100, description: 'Share of the score in percent; a scorecard’s weights sum to 100.' }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  },
  { additionalProperties: false },
);
const Percent = (description: string) => Type.Number({ minimum: 0, maximum: 100, description });

export const QaScorecardSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String({ maxLength: 200 }),
    criteria: Type.Array(Type.Object({ ...Criterion.properties, description: Nullable(Type.String({ maxLength: 1000, description: 'What reviewers check.' })) }, { additionalProperties: false }), {
      maxItems: 20,
      description: 'What a review scores, each 0–5, weighted.',
    }),
    pass_score: Percent('A review passes at this score or above.'),
    sample_percent: Type.Number({ minimum: 0.01, maximum: 100, description: 'Share of each technician’s tickets resolved in a week that qa-sampling queues for review (rounded up).' }),
    min_per_technician: Type.Integer({ format: 'int32', minimum: 0, maximum: 1000, description: 'At least this many of each technician’s tickets of a week are reviewed (all, if fewer), so nobody is never checked.' }),
    current: Type.Boolean({ description: 'Whether this is the newest scorecard: the one qa-sampling queues new reviews with.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
    version: Type.Integer({ format: 'int32', minimum: 1, maximum: 2_147_483_647 }),
  },
  { $id: 'QaScorecard', additionalProperties: false, description: 'A quality-inspection (质检) checklist: weighted criteria, the pass score and the sampling share. Never edited: a new one replaces it.' },
);
registerShared(QaScorecardSchema);
export const QaScorecardPage = Page(QaScorecardSchema, 'QaScorecardPage');
registerShared(QaScorecardPage);

export const CreateQaScorecard = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    criteria: Type.Array(Criterion, { minItems: 1, maxItems: 20, description: 'Distinct keys; weights summing to 100.' }),
    pass_score: Type.Optional(Percent('Default 80.')),
    sample_percent: Type.Optional(Type.Number({ minimum: 0.01, maximum: 100, description: 'Default 10.' })),
    min_per_technician: Type.Optional(Type.Integer({ format: 'int32', minimum: 0, maximum: 1000, description: 'Default 1.' })),
  },
  { additionalProperties: false },
);
export type CreateQaScorecard = Static<typeof CreateQaScorecard>;

export const QA_REVIEW_STATES = ['pending', 'done'] as const;
const Score = Type.Integer({ format: 'int32', minimum: 0, maximum: 5, description: '0 (not met at all) to 5 (fully met).' });

export const QaReviewSchema = Type.Object(
  {
    id: Uuid,
    ticket_id: Uuid,
    technician_id: Uuid,
    scorecard_id: Uuid,
    week_start: { ...DateOnly, description: 'The Monday of the week the ticket was resolved in (default calendar’s timezone): the sample it belongs to.' },
    state: StringEnum(QA_REVIEW_STATES),
    scores: Nullable(Type.Record(CriterionKey, Score, { description: 'Per criterion key, 0–5.' })),
    score: Nullable(Percent('Σ weight × score ÷ 5, to two places.')),
    passed: Nullable(Type.Boolean({ description: 'score ≥ the scorecard’s pass_score; null while pending.' })),
    comment: Nullable(Type.String({ maxLength: 5000 })),
    coaching_note: Nullable(Type.String({ maxLength: 2000, description: 'For a failed review: what the technician is coached on. It appears on their appraisal card.' })),
    reviewer_id: Nullable({ ...Uuid, description: 'The API key that scored it.' }),
    reviewed_at: Nullable(Timestamp),
    created_at: Timestamp,
    updated_at: Timestamp,
    version: Type.Integer({ format: 'int32', minimum: 1, maximum: 2_147_483_647 }),
  },
  { $id: 'QaReview', additionalProperties: false, description: 'A resolved ticket sampled for quality review, pending or scored.' },
);
registerShared(QaReviewSchema);
export const QaReviewPage = Page(QaReviewSchema, 'QaReviewPage');
registerShared(QaReviewPage);

export const QaReviewListQuery = Type.Object(
  {
    ...ListQueryBase,
    state: Type.Optional(StringEnum(QA_REVIEW_STATES)),
    technician_id: Type.Optional(Uuid),
    passed: Type.Optional(Type.Boolean({ description: 'Done reviews that passed (true) or failed (false): the coaching list.' })),
  },
  { additionalProperties: false },
);
export type QaReviewListQuery = Static<typeof QaReviewListQuery>;

export const ScoreQaReview = Type.Object(
  {
    scores: Type.Record(CriterionKey, Score, { description: 'A score for every criterion of the review’s scorecard, and no other.', minProperties: 1, maxProperties: 20 }),
    comment: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
    coaching_note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'What to coach the technician on; kept with a failed review (ignored on a pass).' })),
  },
  { additionalProperties: false },
);
export type ScoreQaReview = Static<typeof ScoreQaReview>;

export const QaScorecardListQuery = Type.Object({ ...ListQueryBase }, { additionalProperties: false });
export type QaScorecardListQuery = Static<typeof QaScorecardListQuery>;
