/**
 * Cloud SQL for PostgreSQL, reachable only inside the cluster's VPC: a private IP
 * through private services access, no public IP, no authorised network, TLS
 * required. Automated backups with point-in-time recovery; connection, lock-wait
 * and temp-file logging. The `hub` and `explore` databases each get their own
 * user with a random password.
 *
 * Where OpenHexa ran the Cloud SQL Auth Proxy with a downloaded service-account key,
 * hubfleet needs neither: pods reach the private IP directly, over TLS.
 *
 * Cloud SQL's API makes every user a member of `cloudsqlsuperuser` with CREATEROLE
 * and CREATEDB, so the explore login could open the hub's database and grant itself
 * the hub role. Given the cluster's Kubernetes provider, a Job in the tenant's admin
 * namespace (admin-job.ts) runs the isolation SQL (isolation-sql.ts) as a dedicated
 * admin user, `hubfleet_admin`, over the private IP.
 */
import * as gcp from "@pulumi/gcp";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { databaseEgress, type EgressRule } from "../egress";
import { resourceName } from "../naming";
import { assertNoProblems, type ArgProblem } from "../problems";
import { DatabaseAdminJob } from "./admin-job";
import { isolationSql } from "./isolation-sql";
import { postgresUrl } from "./url";
import type { DatabaseLogin, PostgresServer, SslMode } from "./types";

export interface CloudSqlPostgresArgs {
  readonly tenant: string;
  readonly project: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  /** The VPC network id (`projects/<p>/global/networks/<n>`) the private IP is taken on. */
  readonly network: pulumi.Input<string>;
  /** The private services access connection on that network; the instance waits for it. Absent when another stack made it. */
  readonly privateServicesAccess?: pulumi.Resource;
  /** Such as POSTGRES_16. */
  readonly version: string;
  /** A Cloud SQL Enterprise tier, such as db-g1-small or db-custom-1-3840. */
  readonly tier: string;
  readonly diskSizeGb: number;
  /** A standby in a second zone (REGIONAL); doubles the instance's cost. */
  readonly highAvailability: boolean;
  /** Production: deletion protection in Pulumi and in Cloud SQL, and `protect`. Disposable: `pulumi destroy` removes it. */
  readonly protect: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /**
   * The cluster's Kubernetes provider, for the Job that isolates the logins from each
   * other. Without it the logins stay as Cloud SQL's API made them (members of
   * cloudsqlsuperuser): the estate must pass it.
   */
  readonly kubernetesProvider?: k8s.Provider;
  /** Enable PostGIS in the explore database (as the admin; Cloud SQL allows it). */
  readonly postgis?: boolean;
  /** Databases beside hub and explore, each with a login of the same name and the same isolation (the Knowledge Repo's `knowledge`). */
  readonly extraLogins?: readonly string[];
}

/** The user the isolation Job connects as: a member of cloudsqlsuperuser, like every API user. */
export const CLOUDSQL_ADMIN_USER = "hubfleet_admin";

/** The isolation SQL the admin Job runs as hubfleet_admin, connected to the postgres database. */
export function cloudSqlIsolationSql(postgis = false, extraLogins: readonly string[] = []): string {
  return isolationSql({
    logins: [...DATABASES, ...extraLogins].map((database) => ({ database, role: database })),
    adminIsSuperuser: false,
    postgisDatabases: postgis ? ["explore"] : [],
  });
}

export const CLOUDSQL_PORT = 5432;

/** The logging flags: who connects and disconnects, lock waits, every temporary file. */
export const DATABASE_FLAGS: readonly { name: string; value: string }[] = [
  { name: "log_connections", value: "on" },
  { name: "log_disconnections", value: "on" },
  { name: "log_lock_waits", value: "on" },
  { name: "log_temp_files", value: "0" },
];

/** The databases, each with a login of the same name. */
export const DATABASES = ["hub", "explore"] as const;

export function cloudSqlProblems(args: CloudSqlPostgresArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (!/^POSTGRES_[0-9]+$/.test(args.version))
    problems.push({ arg: "version", message: `${args.version} is not a PostgreSQL version such as POSTGRES_16` });
  // Enterprise Plus takes only db-perf-optimized tiers; hubfleet runs the Enterprise edition.
  if (!args.tier.startsWith("db-") || args.tier.startsWith("db-perf-optimized")) {
    problems.push({
      arg: "tier",
      message: `${args.tier} is not a Cloud SQL Enterprise tier; use a shared-core or custom tier such as db-g1-small or db-custom-1-3840`,
    });
  }
  if (args.diskSizeGb < 10) problems.push({ arg: "diskSizeGb", message: `${args.diskSizeGb} is below Cloud SQL's minimum of 10` });
  for (const login of args.extraLogins ?? []) {
    if (!/^[a-z][a-z0-9_]{0,30}$/.test(login) || (DATABASES as readonly string[]).includes(login) || login === CLOUDSQL_ADMIN_USER) {
      problems.push({
        arg: "extraLogins",
        message: `${login} cannot be a database and login of its own: a lowercase name other than hub, explore and ${CLOUDSQL_ADMIN_USER}`,
      });
    }
  }
  return problems;
}

/** The instance's settings: private, TLS only, backed up, logged, protected as the tenant asks. */
export function instanceSettings(args: CloudSqlPostgresArgs): gcp.types.input.sql.DatabaseInstanceSettings {
  return {
    // db-g1-small and db-custom-* exist only in Enterprise; PostgreSQL 16 would default to Enterprise Plus.
    edition: "ENTERPRISE",
    tier: args.tier,
    availabilityType: args.highAvailability ? "REGIONAL" : "ZONAL",
    diskType: "PD_SSD",
    diskSize: args.diskSizeGb,
    diskAutoresize: true,
    ipConfiguration: {
      ipv4Enabled: false,
      privateNetwork: args.network,
      sslMode: "ENCRYPTED_ONLY",
    },
    backupConfiguration: {
      enabled: true,
      pointInTimeRecoveryEnabled: true,
      startTime: "02:00",
      transactionLogRetentionDays: 7,
      backupRetentionSettings: { retainedBackups: 14, retentionUnit: "COUNT" },
    },
    maintenanceWindow: { day: 7, hour: 3, updateTrack: "stable" },
    databaseFlags: DATABASE_FLAGS.map((flag) => ({ ...flag })),
    deletionProtectionEnabled: args.protect,
    userLabels: { ...args.labels },
  };
}

export class CloudSqlPostgres extends pulumi.ComponentResource implements PostgresServer {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly sslMode: SslMode = "require";
  readonly hub: DatabaseLogin;
  readonly explore: DatabaseLogin;
  readonly extraLogins: Readonly<Record<string, DatabaseLogin>>;
  readonly readyResources: pulumi.Resource[];
  readonly instanceName: pulumi.Output<string>;
  readonly connectionName: pulumi.Output<string>;
  readonly notebookEgress: pulumi.Output<EgressRule[]>;

  constructor(name: string, args: CloudSqlPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:database:CloudSql", name, {}, opts);
    assertNoProblems(`Cloud SQL for ${args.tenant}`, cloudSqlProblems(args), this);

    // Cloud SQL keeps a deleted instance's name for a week: a suffix lets a disposable tenant come back sooner.
    const suffix = new random.RandomId(`${name}-suffix`, { byteLength: 2 }, { parent: this });
    const instance = new gcp.sql.DatabaseInstance(
      `${name}-instance`,
      {
        name: pulumi.interpolate`${resourceName(args.tenant, "postgres", 80)}-${suffix.hex}`,
        project: args.project,
        region: args.region,
        databaseVersion: args.version,
        settings: instanceSettings(args),
        deletionProtection: args.protect,
      },
      {
        parent: this,
        protect: args.protect,
        dependsOn: args.privateServicesAccess ? [args.privateServicesAccess] : [],
        // Autoresize grows the disk; a smaller configured size must not replace the instance.
        ignoreChanges: ["settings.diskSize"],
      },
    );

    const login = (database: string): { login: DatabaseLogin; resources: pulumi.Resource[] } => {
      const password = new random.RandomPassword(`${name}-${database}-password`, { length: 32, special: false }, { parent: this });
      const user = new gcp.sql.User(
        `${name}-${database}-user`,
        {
          project: args.project,
          instance: instance.name,
          name: database,
          password: password.result,
          // PostgreSQL refuses to drop a role that owns objects; the instance's deletion removes it.
          deletionPolicy: "ABANDON",
        },
        { parent: this },
      );
      const db = new gcp.sql.Database(
        `${name}-${database}-database`,
        { project: args.project, instance: instance.name, name: database, deletionPolicy: "ABANDON" },
        { parent: this, dependsOn: [user] },
      );
      return { login: { database, user: database, password: password.result }, resources: [user, db] };
    };
    const hub = login("hub");
    const explore = login("explore");
    const extra = (args.extraLogins ?? []).map((database) => ({ database, ...login(database) }));
    const extraResources = extra.flatMap((e) => e.resources);
    const isolation = args.kubernetesProvider
      ? this.isolationJob(name, args, args.kubernetesProvider, instance, [...hub.resources, ...explore.resources, ...extraResources])
      : [];

    this.host = instance.privateIpAddress;
    this.port = pulumi.output(CLOUDSQL_PORT);
    this.hub = hub.login;
    this.explore = explore.login;
    this.extraLogins = Object.fromEntries(extra.map((e) => [e.database, e.login]));
    this.instanceName = instance.name;
    this.connectionName = instance.connectionName;
    this.readyResources = [instance, ...hub.resources, ...explore.resources, ...extraResources, ...isolation];
    this.notebookEgress = this.host.apply((host) => [databaseEgress(host, CLOUDSQL_PORT)]);
    this.registerOutputs({ host: this.host, port: this.port, instanceName: this.instanceName, connectionName: this.connectionName });
  }

  /** The admin user, and the Job that runs the isolation SQL with its URL from the admin namespace. */
  private isolationJob(
    name: string,
    args: CloudSqlPostgresArgs,
    provider: k8s.Provider,
    instance: gcp.sql.DatabaseInstance,
    after: pulumi.Resource[],
  ): pulumi.Resource[] {
    const password = new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, { parent: this });
    const admin = new gcp.sql.User(
      `${name}-admin-user`,
      { project: args.project, instance: instance.name, name: CLOUDSQL_ADMIN_USER, password: password.result, deletionPolicy: "ABANDON" },
      { parent: this },
    );
    const adminUrl = pulumi
      .all([instance.privateIpAddress, password.result])
      .apply(([host, secret]) =>
        postgresUrl({ host, port: CLOUDSQL_PORT, database: "postgres", user: CLOUDSQL_ADMIN_USER, password: secret, sslMode: "require" }),
      );
    const job = new DatabaseAdminJob(
      `${name}-isolation`,
      {
        tenant: args.tenant,
        adminUrl: pulumi.secret(adminUrl),
        sql: cloudSqlIsolationSql(args.postgis, args.extraLogins),
        dependsOn: [admin, ...after],
      },
      { parent: this, providers: [provider] },
    );
    return [admin, job.job];
  }
}
