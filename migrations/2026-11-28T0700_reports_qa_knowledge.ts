import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Quality supervisors (质量监督专员) review tickets without changing them: a role of their own.
  await sql`alter table api_keys drop constraint api_keys_role_check`.execute(db);
  await sql`alter table api_keys add constraint api_keys_role_check
    check (role in ('admin','manager','agent','technician','analyst','integration','qa'))`.execute(db);

  // Reports read durations from the clocks as stored: a stopped clock keeps the business
  // minutes it ran (pauses excluded, per its calendar), computed with the clock itself.
  // Clocks stopped before this column existed are filled in by the sla-recompute job.
  await sql`alter table ticket_sla add column business_minutes double precision`.execute(db);
  await sql`create index ticket_sla_unmeasured on ticket_sla (ticket_id) where completed_at is not null and business_minutes is null`.execute(db);

  // The report's cohorts: tickets resolved in a period, surveys answered in one.
  await sql`create index tickets_resolved on tickets (resolved_at) include (technician_id) where resolved_at is not null`.execute(db);
  // First-time fix counts the completed visits of the tickets resolved in a period.
  await sql`create index visits_completed_ticket on visits (ticket_id) where status = 'completed'`.execute(db);
  // A technician's (or a team's) tickets created in a period: the appraisal card.
  await sql`create index tickets_technician_created on tickets (technician_id, created_at)`.execute(db);
  await sql`create index surveys_answered on surveys (answered_at) where status = 'answered'`.execute(db);

  // Quality inspection (质检). A scorecard is never edited: a new one replaces it for the
  // reviews queued from then on, and every review keeps the scorecard it was scored on.
  await sql`
    create table qa_scorecards (
      id uuid primary key,
      name text not null,
      criteria jsonb not null,
      pass_score numeric(5,2) not null check (pass_score between 0 and 100),
      sample_percent numeric(5,2) not null check (sample_percent > 0 and sample_percent <= 100),
      min_per_technician integer not null check (min_per_technician between 0 and 1000),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1
    )`.execute(db);
  await sql`create index qa_scorecards_updated on qa_scorecards (updated_at, id)`.execute(db);

  // One review per ticket, ever: the unique key makes sampling once per ticket whoever runs it.
  await sql`
    create table qa_reviews (
      id uuid primary key,
      ticket_id uuid not null unique references tickets (id),
      technician_id uuid not null references technicians (id),
      scorecard_id uuid not null references qa_scorecards (id),
      week_start date not null,
      state text not null check (state in ('pending','done')),
      scores jsonb,
      score numeric(5,2) check (score between 0 and 100),
      passed boolean,
      comment text,
      coaching_note text,
      reviewer_id uuid,
      reviewed_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1,
      constraint qa_reviews_done check ((state = 'done') = (reviewed_at is not null and score is not null and passed is not null))
    )`.execute(db);
  for (const [name, cols, where] of [
    ['qa_reviews_state', 'state, id', ''],
    ['qa_reviews_technician', 'technician_id, id', ''],
    ['qa_reviews_week', 'technician_id, week_start', ''],
    ['qa_reviews_updated', 'updated_at, id', ''],
    ['qa_reviews_reviewed', 'reviewed_at', "where state = 'done'"],
    ['qa_reviews_passed', 'passed, id', "where state = 'done'"],
  ] as const) {
    await sql`create index ${sql.id(name)} on qa_reviews (${sql.raw(cols)}) ${sql.raw(where)}`.execute(db);
  }
  await sql`create trigger qa_reviews_done_frozen before update on qa_reviews
    for each row when (old.state = 'done') execute function aftercare_append_only()`.execute(db);

  // Up to which week sampling is finished: weeks before it are never sampled again; the
  // week it names (the current one when the job last ran) is topped up as tickets resolve.
  await sql`create table qa_sampling (id smallint primary key check (id = 1), open_week date)`.execute(db);
  await sql`insert into qa_sampling (id) values (1)`.execute(db);

  // Search terms for suggestions: Latin words as the English stemmer reduces them (stop words
  // dropped) and overlapping pairs of CJK characters (a lone character stays itself), the
  // usual way to compare Chinese text without a dictionary.
  await sql`
    create function aftercare_terms(input text) returns text[]
    language sql immutable parallel safe strict as $$
      select coalesce(array_agg(distinct t), '{}') from (
        select unnest(tsvector_to_array(to_tsvector('english', regexp_replace(input, '[^\\x01-\\x7f]', ' ', 'g')))) as t
        union all
        select substr(r.run, i, 2)
        from (select m[1] as run from regexp_matches(input, '([\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff]+)', 'g') as m) r,
             generate_series(1, greatest(char_length(r.run) - 1, 1)) as i
      ) terms
    $$`.execute(db);

  // Each symptom's terms, kept with the article (a JSON array of term arrays, in symptom order),
  // so suggestions compare stored terms instead of re-deriving them per request.
  await sql`
    create function aftercare_symptom_terms(symptoms text[]) returns jsonb
    language sql immutable parallel safe as $$
      select coalesce(jsonb_agg(to_jsonb(aftercare_terms(s)) order by n), '[]'::jsonb) from unnest(symptoms) with ordinality as u(s, n)
    $$`.execute(db);

  // The knowledge base (知识库 / 故障库). array_to_string is only stable (its element type's
  // output could change); on text[] it cannot, so the article's searchable text is immutable.
  await sql`
    create function aftercare_article_text(title text, symptoms text[], body text) returns text
    language sql immutable parallel safe as $$
      select coalesce(title, '') || ' ' || coalesce(array_to_string(symptoms, ' '), '') || ' ' || coalesce(body, '')
    $$`.execute(db);
  await sql`
    create table articles (
      id uuid primary key,
      title text not null,
      body text not null,
      product_category text,
      symptoms text[] not null default '{}',
      fix_steps text[] not null default '{}',
      tags text[] not null default '{}',
      status text not null check (status in ('draft','published')),
      published_at timestamptz,
      solved_count integer not null default 0,
      last_solved_at timestamptz,
      search_grams text[] generated always as (
        aftercare_ngrams(aftercare_article_text(title, symptoms, body))
      ) stored,
      match_terms text[] generated always as (aftercare_terms(aftercare_article_text(title, symptoms, null))) stored,
      title_terms text[] generated always as (aftercare_terms(title)) stored,
      symptom_terms jsonb generated always as (aftercare_symptom_terms(symptoms)) stored,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1
    )`.execute(db);
  await sql`create index articles_search on articles using gin (search_grams)`.execute(db);
  await sql`create index articles_match on articles using gin (match_terms) where status = 'published'`.execute(db);
  await sql`create index articles_category on articles (product_category, id)`.execute(db);
  await sql`create index articles_status on articles (status, id)`.execute(db);
  await sql`create index articles_updated on articles (updated_at, id)`.execute(db);
  await sql`create index articles_tags on articles using gin (tags)`.execute(db);

  // Which articles solved which tickets: counted once per ticket however often it is resolved.
  await sql`
    create table ticket_articles (
      ticket_id uuid not null references tickets (id),
      article_id uuid not null references articles (id),
      linked_at timestamptz not null,
      primary key (ticket_id, article_id)
    )`.execute(db);
  await sql`create index ticket_articles_article on ticket_articles (article_id, ticket_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists ticket_articles`.execute(db);
  await sql`drop table if exists articles`.execute(db);
  await sql`drop function if exists aftercare_terms`.execute(db);
  await sql`drop function if exists aftercare_article_text`.execute(db);
  await sql`drop function if exists aftercare_symptom_terms`.execute(db);
  await sql`drop table if exists qa_sampling`.execute(db);
  await sql`drop table if exists qa_reviews`.execute(db);
  await sql`drop table if exists qa_scorecards`.execute(db);
  await sql`drop index if exists surveys_answered`.execute(db);
  await sql`drop index if exists tickets_resolved`.execute(db);
  await sql`drop index if exists tickets_technician_created`.execute(db);
  await sql`drop index if exists visits_completed_ticket`.execute(db);
  await sql`alter table ticket_sla drop column if exists business_minutes`.execute(db);
  await sql`alter table api_keys drop constraint api_keys_role_check`.execute(db);
  await sql`alter table api_keys add constraint api_keys_role_check
    check (role in ('admin','manager','agent','technician','analyst','integration'))`.execute(db);
}
