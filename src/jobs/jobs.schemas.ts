import Type from 'typebox';
import { ListQueryBase, Nullable, Page, StringEnum, Timestamp, Uuid, registerShared } from '../http/schemas.ts';

export const JobRunSchema = Type.Object(
  {
    id: Uuid,
    job: Type.String(),
    tick: Timestamp,
    trigger: StringEnum(['schedule', 'manual'] as const),
    instance: Type.String({ description: 'host:pid of the instance that ran it' }),
    status: StringEnum(['running', 'succeeded', 'failed'] as const),
    started_at: Timestamp,
    finished_at: Nullable(Timestamp),
    duration_ms: Nullable(Type.Integer()),
    counts: Type.Record(Type.String(), Type.Number()),
    error: Nullable(Type.String()),
  },
  { $id: 'JobRun', additionalProperties: false },
);
registerShared(JobRunSchema);
export const JobRunPage = Page(JobRunSchema, 'JobRunPage');
registerShared(JobRunPage);

export const JobSchema = Type.Object(
  {
    name: Type.String(),
    schedule: Type.String({ description: 'cron expression (six fields: with seconds)' }),
    next_run_at: Nullable(Timestamp),
    last_run: Nullable(Type.Unsafe({ $ref: 'JobRun#' })),
  },
  { $id: 'Job', additionalProperties: false },
);
registerShared(JobSchema);
export const JobList = Type.Object({ data: Type.Array(Type.Unsafe({ $ref: 'Job#' })) }, { $id: 'JobList', additionalProperties: false });
registerShared(JobList);

export const JobParams = Type.Object({ name: Type.String({ pattern: '^[a-z][a-z0-9-]{0,63}$' }) }, { additionalProperties: false });
export const JobRunsQuery = Type.Object({ limit: ListQueryBase.limit, cursor: ListQueryBase.cursor }, { additionalProperties: false });
