/**
 * PostgreSQL inside the tenant's namespace, for local and throwaway estates: one
 * StatefulSet with a volume, the hub and explore databases each with its own user
 * and random password, created by an init script on first start.
 *
 * Trade-off (stated in docs/security.md): no TLS and one replica. The server is reachable
 * only inside the cluster, and the namespace's NetworkPolicy admits only the hub
 * and notebook pods.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { podEgress, type EgressRule } from "../egress";
import { kubernetesLabels } from "../naming";
import { dataVolume, HARDENED_CONTAINER, nonRootPod } from "../workload";
import type { DatabaseLogin, PostgresServer, SslMode } from "./types";

export interface InClusterPostgresArgs {
  readonly tenant: string;
  readonly namespace: pulumi.Input<string>;
  readonly image: { readonly name: string; readonly tag: string };
  /** The data volume's size, such as 2Gi. */
  readonly storage: string;
  readonly storageClass?: string;
  /** Keep the data volume when the resource is deleted (production tenants). */
  readonly protect: boolean;
}

export const POSTGRES_PORT = 5432;
export const POSTGRES_SERVICE = "postgres";

/** The init script: roles and databases from environment variables, quoted by psql itself. */
export const INIT_SCRIPT = `#!/bin/bash
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \\
  -v hub_password="$HUB_DB_PASSWORD" -v explore_password="$EXPLORE_DB_PASSWORD" <<'SQL'
CREATE ROLE hub LOGIN PASSWORD :'hub_password';
CREATE DATABASE hub OWNER hub;
CREATE ROLE explore LOGIN PASSWORD :'explore_password';
CREATE DATABASE explore OWNER explore;
REVOKE ALL ON DATABASE hub FROM PUBLIC;
REVOKE ALL ON DATABASE explore FROM PUBLIC;
SQL
`;

/** The labels notebook pods' egress rule selects. */
export function postgresPodLabels(tenant: string): Record<string, string> {
  return { ...kubernetesLabels(tenant, "postgres"), "app.kubernetes.io/name": "postgres" };
}

export class InClusterPostgres extends pulumi.ComponentResource implements PostgresServer {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly sslMode: SslMode = "disable";
  readonly hub: DatabaseLogin;
  readonly explore: DatabaseLogin;
  readonly readyResources: pulumi.Resource[];
  readonly notebookEgress: pulumi.Output<EgressRule[]>;

  constructor(name: string, args: InClusterPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:database:InCluster", name, {}, opts);
    const labels = postgresPodLabels(args.tenant);
    const password = (role: string) =>
      new random.RandomPassword(`${name}-${role}-password`, { length: 32, special: false }, { parent: this });
    const superuserPassword = password("superuser");
    const hubPassword = password("hub");
    const explorePassword = password("explore");

    const credentials = new k8s.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: { name: "hubfleet-postgres", namespace: args.namespace, labels },
        type: "Opaque",
        stringData: {
          POSTGRES_PASSWORD: superuserPassword.result,
          HUB_DB_PASSWORD: hubPassword.result,
          EXPLORE_DB_PASSWORD: explorePassword.result,
        },
      },
      { parent: this },
    );
    const initScript = new k8s.core.v1.ConfigMap(
      `${name}-init`,
      { metadata: { name: "hubfleet-postgres-init", namespace: args.namespace, labels }, data: { "10-hubfleet.sh": INIT_SCRIPT } },
      { parent: this },
    );
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: POSTGRES_SERVICE, namespace: args.namespace, labels },
        spec: { selector: labels, ports: [{ name: "postgres", port: POSTGRES_PORT, targetPort: POSTGRES_PORT }] },
      },
      { parent: this },
    );
    const statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-server`,
      {
        metadata: { name: "postgres", namespace: args.namespace, labels },
        spec: {
          serviceName: POSTGRES_SERVICE,
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              ...nonRootPod(999),
              containers: [
                {
                  name: "postgres",
                  image: `${args.image.name}:${args.image.tag}`,
                  ports: [{ name: "postgres", containerPort: POSTGRES_PORT }],
                  env: [
                    { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
                    ...["POSTGRES_PASSWORD", "HUB_DB_PASSWORD", "EXPLORE_DB_PASSWORD"].map((key) => ({
                      name: key,
                      valueFrom: { secretKeyRef: { name: "hubfleet-postgres", key } },
                    })),
                  ],
                  readinessProbe: { exec: { command: ["pg_isready", "-U", "postgres"] }, periodSeconds: 5 },
                  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
                  securityContext: HARDENED_CONTAINER,
                  volumeMounts: [
                    { name: "data", mountPath: "/var/lib/postgresql/data" },
                    { name: "init", mountPath: "/docker-entrypoint-initdb.d", readOnly: true },
                    { name: "run", mountPath: "/var/run/postgresql" },
                  ],
                },
              ],
              volumes: [
                { name: "init", configMap: { name: "hubfleet-postgres-init", defaultMode: 0o555 } },
                { name: "run", emptyDir: {} },
              ],
            },
          },
          ...dataVolume({ labels, size: args.storage, storageClass: args.storageClass, protect: args.protect }),
        },
      },
      { parent: this, dependsOn: [credentials, initScript], protect: args.protect },
    );

    this.host = pulumi.interpolate`${service.metadata.name}.${args.namespace}.svc.cluster.local`;
    this.port = pulumi.output(POSTGRES_PORT);
    this.hub = { database: "hub", user: "hub", password: hubPassword.result };
    this.explore = { database: "explore", user: "explore", password: explorePassword.result };
    this.readyResources = [statefulSet, service];
    this.notebookEgress = pulumi.output(POSTGRES_PORT).apply((port): EgressRule[] => [podEgress(postgresPodLabels(args.tenant), port)]);
    this.registerOutputs({ host: this.host, port: this.port });
  }
}
