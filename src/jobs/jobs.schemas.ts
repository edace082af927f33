import Type from 'typebox';
import { ListQueryBase, Nullable, NullableRef, Page, StringEnum, Timestamp, Uuid, registerShared } from '../http/schemas.ts';

export const JobRunSchema = Type.Object(
  {
    id: Uuid,
    job: Type.String({ maxLength: 64 }),
    tick: Timestamp,
    trigger: StringEnum(['schedule', 'manual'] as const),
    instance: Type.String({ maxLength: 300, description: 'host:pid of the instance that ran it' }),
    status: StringEnum(['running', 'succeeded', 'failed'] as const),
    started_at: Timestamp,
    finished_at: Nullable(Timestamp),
    duration_ms: Nullable(Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 })),
    counts: Type.Record(Type.String({ maxLength: 64 }), Type.Number({ minimum: 0, maximum: 1e15 }), { description: 'What the run did, by name (e.g. recorded, escalated, sent); which names depends on the job.' }),
    error: Nullable(Type.String({ maxLength: 2000 })),
  },
  { $id: 'JobRun', additionalProperties: false },
);
registerShared(JobRunSchema);
export const JobRunPage = Page(JobRunSchema, 'JobRunPage');
registerShared(JobRunPage);

export const JobSchema = Type.Object(
  {
    name: Type.String({ maxLength: 200 }),
    schedule: Type.String({ maxLength: 100, description: 'cron expression (six fields: with seconds)' }),
    next_run_at: Nullable(Timestamp),
    last_run: NullableRef(JobRunSchema),
  },
  { $id: 'Job', additionalProperties: false },
);
registerShared(JobSchema);
export const JobList = Type.Object({ data: Type.Array(Type.Unsafe({ $ref: 'Job#' }), { maxItems: 100 }) }, { $id: 'JobList', additionalProperties: false });
registerShared(JobList);

export const JobParams = Type.Object({ name: Type.String({ maxLength: 64, pattern: '^[a-z][a-z0-9-]{0,63}$', description: 'The job name, e.g. sla-sweep.' }) }, { additionalProperties: false });
export const JobRunsQuery = Type.Object({ limit: ListQueryBase.limit, cursor: ListQueryBase.cursor }, { additionalProperties: false });
