/**
 * The 2021 OpenHexa notebooks setup (its first Terraform, SEEDS.md "OT"), written as a plan
 * so the same estimator prices it: a zonal GKE cluster in europe-west1-b with a shared
 * e2-standard-2 pool and an e2-highmem-2 user pool, each at least one node around the
 * clock, a db-custom-1-3840 Cloud SQL instance, a regional static IP and the proxy's load
 * balancer. Boot disks are GKE's default then (100 GB pd-standard) and the SQL disk Cloud SQL's
 * default (10 GB SSD): assumptions, as the Terraform did not set them.
 */
import type { Plan, PlanResource } from "../render/report";

function resource(type: string, name: string, inputs: Record<string, unknown>): PlanResource {
  return { urn: `urn:pulumi:openhexa-2021::terraform::${type}::${name}`, type, name, dependencies: [], inputs, protect: true };
}

const pool = (name: string, machineType: string, purpose: string) =>
  resource("gcp:container/nodePool:NodePool", name, {
    cluster: "hexa-prime",
    location: "europe-west1-b",
    autoscaling: { minNodeCount: 1, maxNodeCount: 3 },
    nodeConfig: { machineType, diskSizeGb: 100, diskType: "pd-standard", labels: { "hub.jupyter.org/node-purpose": purpose } },
  });

export const OPENHEXA_2021: Plan = {
  stack: "openhexa-2021",
  outputs: {},
  resources: [
    resource("pulumi:providers:gcp", "google", { region: "europe-west1" }),
    resource("gcp:container/cluster:Cluster", "hexa-prime", { location: "europe-west1-b", removeDefaultNodePool: true }),
    pool("shared-pool", "e2-standard-2", "core"),
    pool("user-pool", "e2-highmem-2", "user"),
    resource("gcp:sql/databaseInstance:DatabaseInstance", "hexa-prime", {
      region: "europe-west1",
      databaseVersion: "POSTGRES_12",
      settings: {
        tier: "db-custom-1-3840",
        availabilityType: "ZONAL",
        diskSize: 10,
        diskType: "PD_SSD",
        backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true },
      },
    }),
    resource("gcp:compute/address:Address", "notebooks-ip", { addressType: "EXTERNAL", region: "europe-west1" }),
    resource("kubernetes:helm.sh/v3:Release", "jupyterhub", {
      chart: "jupyterhub",
      values: {
        proxy: { service: { type: "LoadBalancer" } },
        singleuser: { cpu: { guarantee: 0.05 }, memory: { guarantee: "64M" }, storage: { capacity: "10Gi" } },
      },
    }),
  ],
};
