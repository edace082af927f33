import Type, { type Static } from 'typebox';
import { ListQueryBase, Nullable, Page, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

const Score = (min: number, max: number, description: string) => Type.Integer({ format: 'int32', minimum: min, maximum: max, description });
const DIMENSIONS = ['speed', 'professionalism', 'attitude', 'resolution'] as const;

export const Dimensions = Type.Object(
  {
    speed: Type.Optional(Score(1, 5, '1–5')),
    professionalism: Type.Optional(Score(1, 5, '1–5')),
    attitude: Type.Optional(Score(1, 5, '1–5')),
    resolution: Type.Optional(Score(1, 5, '1–5')),
  },
  { additionalProperties: false },
);

export const SurveySchema = Type.Object(
  {
    id: Uuid,
    ticket_id: Uuid,
    customer_id: Uuid,
    technician_id: Nullable(Uuid),
    status: StringEnum(['open', 'answered', 'expired'] as const),
    trigger: StringEnum(['resolved', 'manual'] as const, { description: 'resolved: sent by survey-dispatch after the ticket was resolved; manual: POST /v1/tickets/{id}/surveys.' }),
    created_at: Timestamp,
    expires_at: Timestamp,
    answered_at: Nullable(Timestamp),
    csat: Nullable(Score(1, 5, 'Overall satisfaction, 1 (very dissatisfied) to 5 (very satisfied); null until answered.')),
    nps: Nullable(Score(0, 10, 'How likely to recommend us, 0–10; null when not given.')),
    dimensions: Nullable(Dimensions),
    comment: Nullable(Type.String({ maxLength: 2000 })),
    recovery_ticket_id: Nullable(Uuid),
    token: Nullable(Type.String({ maxLength: 64, description: 'The one-time token: only in the response that created the survey (and its survey.sent event), never again.' })),
    respond_url: Nullable(Type.String({ maxLength: 2048, description: 'Where the customer answers (built on PUBLIC_BASE_URL); shown once, like the token.' })),
    updated_at: Timestamp,
    version: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
  },
  { $id: 'Survey', additionalProperties: false },
);
registerShared(SurveySchema);
export const SurveyPage = Page(SurveySchema, 'SurveyPage');
registerShared(SurveyPage);
export type SurveyView = Static<typeof SurveySchema>;

export const SurveyListQuery = Type.Object(
  {
    ...ListQueryBase,
    ticket_id: Type.Optional(Uuid),
    customer_id: Type.Optional(Uuid),
    technician_id: Type.Optional(Uuid),
    status: Type.Optional(StringEnum(['open', 'answered', 'expired'] as const)),
    answered: Type.Optional(Type.Boolean()),
    csat_min: Type.Optional(Score(1, 5, 'answered with csat at least this')),
    csat_max: Type.Optional(Score(1, 5, 'answered with csat at most this')),
    created_from: Type.Optional(Timestamp),
    created_to: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type SurveyListQuery = Static<typeof SurveyListQuery>;

export const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

export const PublicSurveySchema = Type.Object(
  {
    status: StringEnum(['open', 'answered'] as const),
    expires_at: Timestamp,
    service: Type.Object(
      {
        ticket_number: Type.String({ maxLength: 32 }),
        type: Type.String({ maxLength: 100 }),
        category: Type.String({ maxLength: 100 }),
        resolved_at: Nullable(Timestamp),
      },
      { additionalProperties: false, description: 'What the survey is about, without personal data.' },
    ),
    questions: Type.Array(
      Type.Object({ name: Type.String({ maxLength: 200 }), text: Type.String({ maxLength: 500 }), required: Type.Boolean(), min: Nullable(Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 })), max: Nullable(Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 })) }, { additionalProperties: false }),
      { maxItems: 20 },
    ),
  },
  { $id: 'PublicSurvey', additionalProperties: false },
);
registerShared(PublicSurveySchema);

export const SurveyAnswer = Type.Object(
  {
    csat: Score(1, 5, 'Overall satisfaction, 1 (very dissatisfied) to 5 (very satisfied).'),
    nps: Type.Optional(Score(0, 10, 'How likely to recommend us, 0–10.')),
    dimensions: Type.Optional(Dimensions),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type SurveyAnswer = Static<typeof SurveyAnswer>;

export const PublicAnswerResult = Type.Object(
  { status: StringEnum(['answered'] as const), answered_at: Timestamp },
  { $id: 'PublicSurveyAnswered', additionalProperties: false },
);
registerShared(PublicAnswerResult);

export const QUESTIONS = [
  { name: 'csat', text: 'How satisfied are you with the service?', required: true, min: 1, max: 5 },
  { name: 'nps', text: 'How likely are you to recommend us to a friend?', required: false, min: 0, max: 10 },
  ...DIMENSIONS.map((d) => ({ name: `dimensions.${d}`, text: `How would you rate our ${d}?`, required: false, min: 1, max: 5 })),
  { name: 'comment', text: 'Anything else you would like to tell us?', required: false, min: null, max: null },
];
