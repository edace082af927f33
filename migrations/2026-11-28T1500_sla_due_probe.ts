import { sql, type Kysely } from 'kysely';

// The sla-sweep's idle look, once a second on every instance with cron on: whether any clock
// is due for a breach or a warning record. As a PL/pgSQL function its two queries are planned
// once per connection and their plans kept (an ad-hoc statement on ticket_sla, with its eight
// partial indexes to weigh, spends longer in the planner than in the index). The conditions
// are DUE and WARN of src/modules/tickets/ticket-sla.predicates.ts, written out (a test holds
// them to each other), each an ordered scan of its partial index that stops at the first row.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function aftercare_sla_due_probe(p_at timestamptz, out breach boolean, out warning boolean)
    language plpgsql stable as $$
    begin
      perform 1 from ticket_sla s
        where s.breached_at is null and ((s.completed_at is null and not s.paused) or s.state = 'breached') and s.due_at <= p_at
        order by s.due_at limit 1;
      breach := found;
      perform 1 from ticket_sla s
        where s.completed_at is null and not s.paused and s.warned_at is null and s.breached_at is null and s.warn_at <= p_at and s.due_at > p_at
        order by s.warn_at limit 1;
      warning := found;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function aftercare_sla_due_probe(timestamptz)`.execute(db);
}
