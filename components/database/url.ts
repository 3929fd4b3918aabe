import type { SslMode } from "./types";

export interface PostgresConnection {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
  readonly sslMode: SslMode;
}

/** A libpq/SQLAlchemy URL; user and password are percent-encoded, sslmode is explicit. */
export function postgresUrl(c: PostgresConnection): string {
  const credentials = `${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}`;
  return `postgresql://${credentials}@${c.host}:${c.port}/${encodeURIComponent(c.database)}?sslmode=${c.sslMode}`;
}
