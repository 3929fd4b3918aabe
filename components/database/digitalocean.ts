/**
 * DigitalOcean Managed PostgreSQL for one tenant: a cluster on the tenant's VPC,
 * reachable on its private host only, with a firewall whose one trusted source is
 * the tenant's Kubernetes cluster. The `hub` and `explore` databases each get their
 * own user; DigitalOcean generates the passwords (secret outputs). Clients must use
 * TLS (`sslmode=require`): DigitalOcean's PostgreSQL accepts nothing else.
 *
 * Users made through DigitalOcean's API own nothing and, from PostgreSQL 15 on, may
 * not create tables in a database's public schema; `doadmin` owns the databases. A
 * one-off Kubernetes Job (the firewall lets only the cluster in) runs the isolation
 * SQL as `doadmin` (isolation-sql.ts): each user owns its database and its public
 * schema, and no one else may connect, so `explore` cannot open `hub`. The Job and
 * the admin URL live in the tenant's admin namespace (admin-job.ts), out of reach
 * of the chart's ServiceAccounts.
 *
 * Protection: DigitalOcean has no deletion-protection switch on a database
 * cluster, so a production tenant's cluster is protected in Pulumi (`protect`);
 * a disposable tenant's goes with `pulumi destroy`.
 */
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import { databaseEgress, type EgressRule } from "../egress";
import { resourceName } from "../naming";
import { assertNoProblems, type ArgProblem } from "../problems";
import { DatabaseAdminJob } from "./admin-job";
import { isolationSql } from "./isolation-sql";
import type { DatabaseLogin, PostgresServer, SslMode } from "./types";

export interface DigitalOceanPostgresArgs {
  readonly tenant: string;
  /** The region of the tenant's cluster and VPC. */
  readonly region: string;
  /** The tenant's VPC: the database's private network. */
  readonly vpcId: pulumi.Input<string>;
  /** The tenant's DOKS cluster: the firewall's only trusted source. */
  readonly kubernetesClusterId: pulumi.Input<string>;
  /** The PostgreSQL major version, such as 16. */
  readonly version: string;
  /** A database size slug such as db-s-1vcpu-1gb. */
  readonly size: string;
  /** 1, or 2–3 for standby nodes that take over on failure. */
  readonly nodeCount: number;
  /** Production: `protect` in Pulumi. Disposable: `pulumi destroy` removes the cluster. */
  readonly protect: boolean;
  readonly tags: readonly string[];
  /** Unused since the grants Job moved to the admin namespace; kept until the estate stops passing it. */
  readonly namespace?: pulumi.Input<string>;
  /** Enable PostGIS in the explore database (as doadmin). */
  readonly postgis?: boolean;
}

/** The databases, each with a login of the same name. */
export const DATABASES = ["hub", "explore"] as const;
export type DatabaseName = (typeof DATABASES)[number];

/** DigitalOcean's maintenance window for the database (UTC), beside the cluster's. */
export const MAINTENANCE_WINDOW = { day: "sunday", hour: "02:00" } as const;

/** The firewall's rules: the tenant's cluster, and nothing else. */
export function firewallRules(kubernetesClusterId: pulumi.Input<string>): { type: string; value: pulumi.Input<string> }[] {
  return [{ type: "k8s", value: kubernetesClusterId }];
}

/** The isolation SQL the admin Job runs as doadmin, connected to defaultdb. */
export function digitalOceanIsolationSql(postgis = false): string {
  return isolationSql({
    logins: DATABASES.map((database) => ({ database, role: database })),
    adminIsSuperuser: false,
    postgisDatabases: postgis ? ["explore"] : [],
  });
}

/** DigitalOcean's database size families: basic and general purpose (db-), GPU-less dedicated (gd-), storage (so1_5-) and memory (m-) optimised. */
export const DATABASE_SIZE_SLUG = /^(db|gd|so1_5|m)-[a-z0-9-]+$/;

export function digitalOceanPostgresProblems(args: DigitalOceanPostgresArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (!/^[0-9]{2}$/.test(args.version))
    problems.push({ arg: "version", message: `${args.version} is not a PostgreSQL major version such as 16` });
  if (!DATABASE_SIZE_SLUG.test(args.size)) {
    problems.push({
      arg: "size",
      message: `${args.size} is not a database size slug such as db-s-1vcpu-1gb, gd-2vcpu-8gb, so1_5-2vcpu-16gb or m-2vcpu-16gb`,
    });
  }
  if (!Number.isInteger(args.nodeCount) || args.nodeCount < 1 || args.nodeCount > 3)
    problems.push({ arg: "nodeCount", message: `${args.nodeCount} must be 1, 2 or 3` });
  return problems;
}

export class DigitalOceanPostgres extends pulumi.ComponentResource implements PostgresServer {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly sslMode: SslMode = "require";
  readonly hub: DatabaseLogin;
  readonly explore: DatabaseLogin;
  readonly readyResources: pulumi.Resource[];
  readonly clusterId: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly notebookEgress: pulumi.Output<EgressRule[]>;

  constructor(name: string, args: DigitalOceanPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:database:DigitalOcean", name, {}, opts);
    assertNoProblems(`DigitalOcean PostgreSQL for ${args.tenant}`, digitalOceanPostgresProblems(args), this);

    const cluster = new digitalocean.DatabaseCluster(
      `${name}-cluster`,
      {
        name: resourceName(args.tenant, "postgres"),
        engine: "pg",
        version: args.version,
        size: args.size,
        nodeCount: args.nodeCount,
        region: args.region,
        privateNetworkUuid: args.vpcId,
        maintenanceWindows: [{ ...MAINTENANCE_WINDOW }],
        tags: [...args.tags],
      },
      { parent: this, protect: args.protect },
    );

    const firewall = new digitalocean.DatabaseFirewall(
      `${name}-firewall`,
      { clusterId: cluster.id, rules: firewallRules(args.kubernetesClusterId) },
      { parent: this },
    );

    // DigitalOcean now and then refuses concurrent changes to one cluster's databases and
    // users (terraform-provider-digitalocean#493), so they are made one after another.
    let previous: pulumi.Resource = firewall;
    const login = (database: DatabaseName): { login: DatabaseLogin; resources: pulumi.Resource[] } => {
      const db = new digitalocean.DatabaseDb(
        `${name}-${database}-database`,
        { clusterId: cluster.id, name: database },
        { parent: this, dependsOn: [previous] },
      );
      const user = new digitalocean.DatabaseUser(
        `${name}-${database}-user`,
        { clusterId: cluster.id, name: database },
        { parent: this, dependsOn: [db] },
      );
      previous = user;
      // The provider marks the generated password secret; pulumi.secret keeps it so through every apply.
      return { login: { database, user: database, password: pulumi.secret(user.password) }, resources: [db, user] };
    };
    const hub = login("hub");
    const explore = login("explore");
    // doadmin's private URL (sslmode=require), kept in the admin namespace only.
    const grants = new DatabaseAdminJob(
      `${name}-isolation`,
      {
        tenant: args.tenant,
        adminUrl: cluster.privateUri,
        sql: digitalOceanIsolationSql(args.postgis),
        dependsOn: [firewall, ...hub.resources, ...explore.resources],
      },
      { parent: this },
    ).job;

    this.host = cluster.privateHost;
    this.port = cluster.port;
    this.hub = hub.login;
    this.explore = explore.login;
    this.clusterId = cluster.id;
    this.clusterName = cluster.name;
    this.readyResources = [cluster, firewall, ...hub.resources, ...explore.resources, grants];
    this.notebookEgress = pulumi.all([this.host, this.port]).apply(([host, port]) => [databaseEgress(host, port)]);
    this.registerOutputs({ host: this.host, port: this.port, clusterId: this.clusterId, clusterName: this.clusterName });
  }
}
