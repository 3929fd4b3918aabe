import type * as pulumi from "@pulumi/pulumi";
import type { EgressRule } from "../egress";

/** One database with its own login. The password is a Pulumi secret. */
export interface DatabaseLogin {
  readonly database: string;
  readonly user: string;
  readonly password: pulumi.Output<string>;
}

/** libpq's sslmode: what a client must insist on to reach this server. */
export type SslMode = "disable" | "require" | "verify-ca" | "verify-full";

/**
 * What every database kind gives the estate: one PostgreSQL server holding the
 * hub's database and the `explore` database that notebook users query.
 */
export interface PostgresServer {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly sslMode: SslMode;
  readonly hub: DatabaseLogin;
  readonly explore: DatabaseLogin;
  /** Further databases with their own logins, isolated like hub and explore, where the kind gives them (Cloud SQL). */
  readonly extraLogins?: Readonly<Record<string, DatabaseLogin>>;
  /** Resources that must exist before a client connects (users, databases, firewalls). */
  readonly readyResources: pulumi.Resource[];
  /** NetworkPolicy egress notebook pods need to reach this server, beyond the chart's defaults. */
  readonly notebookEgress: pulumi.Output<EgressRule[]>;
}
