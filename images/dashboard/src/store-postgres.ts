/**
 * The dashboard's data in the tenant's PostgreSQL (DATABASE_URL): events in one
 * table, each participant's latest notebook per path in another. The tables are
 * created at start if missing; every value travels as a query parameter.
 */
import { Pool } from "pg";
import type { DashboardEvent, EventField, NewEvent, Notebook } from "./events";
import type { DashboardStore, StoredNotebook } from "./store";

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS dashboard_events (
  id bigserial PRIMARY KEY,
  type text NOT NULL,
  user_name text NOT NULL,
  filename text NOT NULL,
  path text NOT NULL,
  timestamp timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS dashboard_events_user ON dashboard_events (user_name);
CREATE TABLE IF NOT EXISTS dashboard_notebooks (
  user_name text NOT NULL,
  path text NOT NULL,
  saved_at timestamptz NOT NULL,
  content jsonb NOT NULL,
  PRIMARY KEY (user_name, path)
);
`;

/** Each filterable field's column; `id` compares as text like the others. */
const COLUMNS: Record<EventField, string> = {
  id: "id::text",
  type: "type",
  user: "user_name",
  filename: "filename",
  path: "path",
  timestamp: "timestamp",
};

interface EventRow {
  id: string;
  type: string;
  user_name: string;
  filename: string;
  path: string;
  timestamp: Date;
}

function toEvent(row: EventRow): DashboardEvent {
  return {
    id: Number(row.id),
    type: row.type,
    user: row.user_name,
    filename: row.filename,
    path: row.path,
    timestamp: row.timestamp.toISOString(),
  };
}

export class PostgresStore implements DashboardStore {
  private constructor(private readonly pool: Pool) {}

  static async open(databaseUrl: string): Promise<PostgresStore> {
    const pool = new Pool({ connectionString: databaseUrl, max: 4 });
    await pool.query(SCHEMA_SQL);
    return new PostgresStore(pool);
  }

  async record(event: NewEvent, notebook?: Notebook): Promise<DashboardEvent> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const inserted = await client.query<EventRow>(
        "INSERT INTO dashboard_events (type, user_name, filename, path, timestamp) VALUES ($1, $2, $3, $4, $5) RETURNING *",
        [event.type, event.user, event.filename, event.path, event.timestamp],
      );
      if (notebook) {
        await client.query(
          `INSERT INTO dashboard_notebooks (user_name, path, saved_at, content) VALUES ($1, $2, $3, $4)
           ON CONFLICT (user_name, path) DO UPDATE SET saved_at = EXCLUDED.saved_at, content = EXCLUDED.content`,
          [event.user, event.path, event.timestamp, JSON.stringify(notebook)],
        );
      }
      await client.query("COMMIT");
      return toEvent(inserted.rows[0]!);
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    } finally {
      client.release();
    }
  }

  async listEvents(filter: Partial<Record<EventField, string>>): Promise<DashboardEvent[]> {
    const entries = Object.entries(filter) as [EventField, string][];
    // Timestamps compare as the ISO text the API returns.
    const where = entries.map(([field], index) =>
      field === "timestamp"
        ? `to_char(timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') = $${index + 1}`
        : `${COLUMNS[field]} = $${index + 1}`,
    );
    const result = await this.pool.query<EventRow>(
      `SELECT * FROM dashboard_events ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id`,
      entries.map(([, value]) => value),
    );
    return result.rows.map(toEvent);
  }

  async listNotebooks(): Promise<StoredNotebook[]> {
    const result = await this.pool.query<{ user_name: string; path: string; saved_at: Date }>(
      "SELECT user_name, path, saved_at FROM dashboard_notebooks ORDER BY saved_at DESC",
    );
    return result.rows.map((row) => ({ user: row.user_name, path: row.path, savedAt: row.saved_at.toISOString() }));
  }

  async getNotebook(user: string, notebookPath: string) {
    const result = await this.pool.query<{ saved_at: Date; content: Notebook }>(
      "SELECT saved_at, content FROM dashboard_notebooks WHERE user_name = $1 AND path = $2",
      [user, notebookPath],
    );
    const row = result.rows[0];
    return row ? { user, path: notebookPath, savedAt: row.saved_at.toISOString(), notebook: row.content } : undefined;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
