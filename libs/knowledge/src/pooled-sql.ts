/**
 * Raw SQL on the pg pool behind the Prisma client (`pgPool`), for the retrieval hot paths:
 * a parameterised statement is one round trip (Parse/Bind/Execute/Sync pipelined), and a
 * multi-statement script (simple protocol, no parameters) runs settings, a query and its
 * transaction in one round trip too — Prisma's interactive transactions cost one per statement.
 */
import type { Prisma } from '@aivillage/db';
import type pg from 'pg';

/** One parameterised statement (a Prisma.Sql) on a pooled connection. */
export async function pooledRows<T>(pool: pg.Pool, sql: Prisma.Sql): Promise<T[]> {
  return (await pool.query({ text: sql.text, values: sql.values as unknown[] })).rows as T[];
}

/**
 * A script of several statements on one pooled connection, one result per statement. A failed
 * statement leaves an explicit transaction of the script aborted on that connection: it is
 * rolled back (or the connection discarded) before the pool gets it again.
 */
export async function pooledScript(pool: pg.Pool, text: string): Promise<pg.QueryResult[]> {
  const client = await pool.connect();
  let results: pg.QueryResult | pg.QueryResult[];
  try {
    results = await client.query(text);
  } catch (err) {
    await client.query('ROLLBACK').then(() => client.release(), (e: Error) => client.release(e));
    throw err;
  }
  client.release();
  return Array.isArray(results) ? results : [results];
}
