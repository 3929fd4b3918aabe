/**
 * An existing PostgreSQL server that the estate does not own (a team's RDS, Azure
 * or self-run server), given by host, port and an admin credential. The estate
 * makes the tenant's hub and explore logins and databases on it, named after the
 * tenant so that several tenants can share one server, with the same isolation as
 * every other kind: one admin Job (admin-job.ts) in the tenant's admin namespace
 * runs the isolation SQL (isolation-sql.ts), creating what is missing.
 *
 * The admin needs CREATEROLE and CREATEDB (a superuser also works). Its password
 * comes in as a secret and is kept only in the admin namespace. hubfleet never
 * drops what it made: the databases outlive the stack, and are the server owner's
 * to remove.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { databaseEgress, type EgressRule } from "../egress";
import { DatabaseAdminJob } from "./admin-job";
import { isolationSql, isolationSqlProblems, type IsolatedLogin } from "./isolation-sql";
import type { DatabaseLogin, PostgresServer, SslMode } from "./types";
import { postgresUrl } from "./url";

export interface ExternalPostgresArgs {
  readonly tenant: string;
  readonly host: string;
  readonly port: number;
  /** What clients insist on; `require` or stricter for a server outside the cluster. */
  readonly sslMode: SslMode;
  /** A role with CREATEROLE and CREATEDB, its password a secret, and the database it connects to first. */
  readonly admin: { readonly user: string; readonly password: pulumi.Input<string>; readonly database?: string };
  /** The admin is a superuser (self-run servers); managed services give a CREATEROLE role instead. */
  readonly adminIsSuperuser?: boolean;
  /** Enable PostGIS in the explore database (the extension must be installed on the server). */
  readonly postgis?: boolean;
}

/** `<tenant>_hub` and `<tenant>_explore`: a role and a database each, unique on a shared server. */
export function externalLogins(tenant: string): { hub: IsolatedLogin; explore: IsolatedLogin } {
  const prefix = tenant.replace(/-/g, "_");
  return {
    hub: { database: `${prefix}_hub`, role: `${prefix}_hub` },
    explore: { database: `${prefix}_explore`, role: `${prefix}_explore` },
  };
}

export function externalPostgresProblems(args: ExternalPostgresArgs): string[] {
  const problems: string[] = [];
  if (!args.host) problems.push("host is empty");
  if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535) problems.push(`port ${args.port} is not a TCP port`);
  if (args.sslMode === "disable")
    problems.push("sslMode disable would send passwords in clear to a server outside the cluster; use require or stricter");
  const logins = externalLogins(args.tenant);
  problems.push(...isolationSqlProblems({ logins: [logins.hub, logins.explore], adminIsSuperuser: args.adminIsSuperuser ?? false }));
  return problems;
}

/** The SQL the admin Job runs: create the logins and databases when missing, then isolate them. */
export function externalIsolationSql(args: Pick<ExternalPostgresArgs, "tenant" | "adminIsSuperuser" | "postgis">): string {
  const logins = externalLogins(args.tenant);
  return isolationSql({
    logins: [logins.hub, logins.explore],
    adminIsSuperuser: args.adminIsSuperuser ?? false,
    createLogins: true,
    postgisDatabases: args.postgis ? [logins.explore.database] : [],
  });
}

export class ExternalPostgres extends pulumi.ComponentResource implements PostgresServer {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly sslMode: SslMode;
  readonly hub: DatabaseLogin;
  readonly explore: DatabaseLogin;
  readonly readyResources: pulumi.Resource[];
  readonly notebookEgress: pulumi.Output<EgressRule[]>;

  /** The cluster's Kubernetes provider comes through `providers` and is inherited by the admin Job. */
  constructor(name: string, args: ExternalPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:database:External", name, {}, opts);
    const problems = externalPostgresProblems(args);
    if (problems.length > 0) throw new pulumi.ResourceError(`external PostgreSQL for ${args.tenant}: ${problems.join("; ")}`, this);
    const logins = externalLogins(args.tenant);
    const password = (role: string) =>
      new random.RandomPassword(`${name}-${role}-password`, { length: 32, special: false }, { parent: this }).result;
    const hubPassword = password("hub");
    const explorePassword = password("explore");
    const adminUrl = pulumi.output(args.admin.password).apply((secret) =>
      postgresUrl({
        host: args.host,
        port: args.port,
        database: args.admin.database ?? "postgres",
        user: args.admin.user,
        password: secret,
        sslMode: args.sslMode,
      }),
    );
    const job = new DatabaseAdminJob(
      `${name}-isolation`,
      {
        tenant: args.tenant,
        adminUrl: pulumi.secret(adminUrl),
        sql: externalIsolationSql(args),
        psqlVariables: { [`${logins.hub.role}_password`]: hubPassword, [`${logins.explore.role}_password`]: explorePassword },
        dependsOn: [],
      },
      { parent: this },
    );
    this.host = pulumi.output(args.host);
    this.port = pulumi.output(args.port);
    this.sslMode = args.sslMode;
    this.hub = { database: logins.hub.database, user: logins.hub.role, password: hubPassword };
    this.explore = { database: logins.explore.database, user: logins.explore.role, password: explorePassword };
    this.readyResources = [job.job];
    this.notebookEgress = pulumi.all([this.host, this.port]).apply(([host, port]) => [databaseEgress(host, port)]);
    this.registerOutputs({ host: this.host, port: this.port });
  }
}
