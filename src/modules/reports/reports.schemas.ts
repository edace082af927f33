import Type, { type Static } from 'typebox';
import { Nullable, StringEnum, Timestamp, Uuid, ref, registerShared } from '../../http/schemas.ts';
import { GROUP_BY } from './reports.repository.ts';

const Count = (description: string) => Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647, description });
const Percent = Nullable(Type.Number({ minimum: 0, maximum: 100, description: 'A percentage to two places; null when nothing was measured.' }));
const Minutes = (description: string) => Nullable(Type.Number({ minimum: 0, maximum: 1e9, description }));
const Percentiles = Type.Object(
  { p50: Minutes('The median.'), p90: Minutes('Nine in ten took at most this long.') },
  { additionalProperties: false, description: 'Business minutes (per the ticket’s SLA calendar, pauses excluded), continuous percentiles; null when none was measured.' },
);

const figures = {
  tickets_created: Count('Tickets created in the period.'),
  tickets_resolved: Count('Tickets resolved in the period and not reopened since (closed ones included).'),
  first_response_minutes: Percentiles,
  resolution_minutes: Percentiles,
  first_response_sla_met_pct: Percent,
  resolution_sla_met_pct: Percent,
  follow_up_done_pct: Percent,
  first_time_fix_pct: Percent,
  reopen_pct: Percent,
  complaints: Count('Complaint tickets created in the period.'),
  csat_avg: Nullable(Type.Number({ minimum: 1, maximum: 5, description: 'Average CSAT (1–5) of surveys answered in the period, to two places.' })),
  csat_responses: Count('Surveys answered in the period.'),
  nps: Nullable(Type.Number({ minimum: -100, maximum: 100, description: 'Net Promoter Score: % promoters (9–10) − % detractors (0–6); null without answers.' })),
  nps_responses: Count('Answers in the period that gave an NPS score.'),
  qa_score_avg: Nullable(Type.Number({ minimum: 0, maximum: 100, description: 'Average score (0–100) of quality reviews finished in the period.' })),
  qa_reviews: Count('Quality reviews finished in the period.'),
};

export const KpiFiguresSchema = Type.Object(figures, { $id: 'KpiFigures', additionalProperties: false, description: 'The service figures of a group of tickets over a period.' });
registerShared(KpiFiguresSchema);

export const KpiRowSchema = Type.Object(
  {
    key: Nullable(Type.String({ maxLength: 100, description: 'The group: a technician id, a tier, region, category, type or channel, or the local date of the day or of the Monday of the week. null for tickets without one (unassigned, no region).' })),
    label: Type.String({ maxLength: 200, description: 'The group for people: a technician’s name, the key itself, or "(none)".' }),
    ...figures,
  },
  { $id: 'KpiRow', additionalProperties: false, description: 'One group’s figures.' },
);
registerShared(KpiRowSchema);

export const KpiReportSchema = Type.Object(
  {
    from: Timestamp,
    to: Timestamp,
    tz: Type.String({ maxLength: 64, description: 'The IANA timezone days and weeks began in.' }),
    group_by: StringEnum(GROUP_BY, { description: 'What the rows are grouped by.' }),
    generated_at: Timestamp,
    rows: Type.Array(ref(KpiRowSchema), { maxItems: 100_000, description: 'One row per group with any figure in the period.' }),
    total: ref(KpiFiguresSchema),
  },
  { $id: 'KpiReport', additionalProperties: false, description: 'Service figures over a period, per group and in total.' },
);
registerShared(KpiReportSchema);

const period = {
  from: Type.Optional({ ...Timestamp, description: 'Start of the period (inclusive). Default: 30 days before `to`.' }),
  to: Type.Optional({ ...Timestamp, description: 'End of the period (exclusive). Default: now.' }),
};

export const KpiQuery = Type.Object(
  {
    ...period,
    group_by: Type.Optional(StringEnum(GROUP_BY, { description: 'Default technician.' })),
    tz: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9_+/-]{0,63}$', description: 'IANA timezone in which days and weeks (Monday first) begin. Default: the timezone of the default business calendar.' })),
  },
  { additionalProperties: false },
);
export type KpiQuery = Static<typeof KpiQuery>;

export const AppraisalQuery = Type.Object(period, { additionalProperties: false });
export type AppraisalQuery = Static<typeof AppraisalQuery>;

const Rank = Nullable(
  Type.Object(
    {
      position: Type.Integer({ format: 'int32', minimum: 1, maximum: 100_000, description: 'The place: 1 is best.' }),
      of: Type.Integer({ format: 'int32', minimum: 1, maximum: 100_000, description: 'Team members with this figure.' }),
    },
    { additionalProperties: false, description: '1 is best; ties share a position. null when the technician has no figure to rank.' },
  ),
);

export const AppraisalCardSchema = Type.Object(
  {
    technician: Type.Object(
      { id: Uuid, name: Type.String({ maxLength: 200 }), tier: Type.Integer({ format: 'int32', minimum: 1, maximum: 3 }), regions: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 }) },
      { additionalProperties: false },
    ),
    from: Timestamp,
    to: Timestamp,
    figures: ref(KpiFiguresSchema),
    team: Type.Object(
      {
        technicians: Type.Integer({ format: 'int32', minimum: 1, maximum: 100_000, description: 'Technicians in the team: active, same tier, sharing a region (this one included).' }),
        figures: ref(KpiFiguresSchema),
      },
      { additionalProperties: false, description: 'The team’s figures over the same period: all its technicians’ tickets together.' },
    ),
    rank: Type.Object(
      {
        tickets_resolved: Rank,
        resolution_sla_met_pct: Rank,
        first_time_fix_pct: Rank,
        csat_avg: Rank,
        qa_score_avg: Rank,
      },
      { additionalProperties: false, description: 'The technician’s place in the team on each figure (higher is better on all of them).' },
    ),
    coaching: Type.Array(
      Type.Object(
        { review_id: Uuid, ticket_id: Uuid, score: Type.Number({ minimum: 0, maximum: 100 }), note: Nullable(Type.String({ maxLength: 2000 })), reviewed_at: Timestamp },
        { additionalProperties: false },
      ),
      { maxItems: 50, description: 'Failed quality reviews in the period with their coaching notes, newest first.' },
    ),
  },
  { $id: 'AppraisalCard', additionalProperties: false, description: 'A technician’s appraisal card (考核) for a period.' },
);
registerShared(AppraisalCardSchema);
