/**
 * The database side: the `items` table, its seed, and the two queries the service runs. Every query goes through
 * `counted`, so the load test can tell how many reached PostgreSQL.
 */
import pg from 'pg'

/**
 * A pool of connections, configured from the usual PG* environment variables (run.sh sets them).
 *
 * @param {number} size how many connections at most
 */
export const connect = (size) => new pg.Pool({ max: size, connectionTimeoutMillis: 5_000, statement_timeout: 5_000 })

/**
 * Creates `items` and fills it with `rows` rows in one statement (generate_series: no round trip per row).
 * Every row starts at version 1; each write bumps it.
 *
 * @param {pg.Pool} pool
 * @param {number} rows
 */
export const seed = async (pool, rows) => {
  await pool.query(`
    DROP TABLE IF EXISTS items;
    CREATE TABLE items (
      id      integer PRIMARY KEY,
      name    text    NOT NULL,
      price   integer NOT NULL,
      version integer NOT NULL
    )`)
  await pool.query(
    `INSERT INTO items (id, name, price, version)
     SELECT n, 'item ' || n, 100 + n % 9900, 1 FROM generate_series(1, $1::integer) AS n`,
    [rows]
  )
  await pool.query('ANALYZE items')
}

/**
 * The queries of the service, each counted.
 *
 * @param {pg.Pool} pool
 */
export const items = (pool) => {
  const issued = { select: 0, update: 0 }
  return {
    issued,
    /**
     * @param {number} id
     * @returns {Promise<{ id: number, name: string, price: number, version: number } | undefined>} the row
     */
    find: async (id) => {
      issued.select++
      const { rows } = await pool.query('SELECT id, name, price, version FROM items WHERE id = $1', [id])
      return rows[0]
    },
    /**
     * One UPDATE in its own transaction (autocommit): when it returns, the new version is committed.
     *
     * @param {number} id @param {number} price @returns {Promise<number | undefined>} the new version
     */
    reprice: async (id, price) => {
      issued.update++
      const { rows } = await pool.query(
        'UPDATE items SET price = $2, version = version + 1 WHERE id = $1 RETURNING version',
        [id, price]
      )
      return rows[0]?.version
    }
  }
}

/**
 * The version of every row in `ids`, read straight from the table (no cache).
 *
 * @param {pg.Pool} pool
 * @param {ReadonlyArray<number>} ids
 * @returns {Promise<Map<number, number>>}
 */
export const versions = async (pool, ids) => {
  const { rows } = await pool.query('SELECT id, version FROM items WHERE id = ANY($1::integer[])', [ids])
  return new Map(rows.map((r) => [r.id, r.version]))
}

/** @param {pg.Pool} pool */
export const serverVersion = async (pool) => (await pool.query('SHOW server_version')).rows[0].server_version
