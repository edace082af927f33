import type { ChangeContext } from './context.ts';
import type { Db, Tx } from './types.ts';

/**
 * One transaction per change: the change, its audit rows and the stored Idempotency-Key
 * result commit together or not at all, so a crash between them cannot leave a change
 * that a retry would make twice.
 */
export async function inChange<T>(db: Db, ctx: ChangeContext, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    const result = await work(tx);
    if (ctx.recordResult) await ctx.recordResult(tx, result);
    return result;
  });
}

/**
 * A change that is one SQL statement (data-modifying CTEs included) is atomic on its own:
 * it runs without BEGIN/COMMIT round trips unless an Idempotency-Key result must join it,
 * in which case both run in one transaction as in inChange.
 */
export async function inChangeStatement<T>(db: Db, ctx: ChangeContext, statement: (db: Db | Tx) => Promise<T>): Promise<T> {
  if (!ctx.recordResult) return statement(db);
  return inChange(db, ctx, statement);
}
