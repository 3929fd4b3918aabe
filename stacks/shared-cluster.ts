/**
 * A stack that is only a cluster shared by tenant stacks (Habari's model): they
 * reference it by stack name and get their namespace and release on it. What the
 * fleet shares (the public bucket, the OIDC provider for the cluster's issuer)
 * belongs here, never to one tenant.
 */
import * as pulumi from "@pulumi/pulumi";
import { s3FleetSharedBuilder } from "./kinds/aws";
import { clusterBuilders } from "./kinds";
import type { EstateCluster } from "./kinds/types";
import type { EstatePlan } from "./plan";
import { build, estateContext } from "./providers";

export class SharedClusterEstate extends pulumi.ComponentResource {
  readonly cluster: EstateCluster;
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: { readonly plan: EstatePlan }, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:estate:SharedCluster", name, {}, opts);
    const context = estateContext(name, args.plan, this);
    this.cluster = build(clusterBuilders, args.plan.cluster, context);
    const fleetStorage = args.plan.fleetStorage ? s3FleetSharedBuilder(args.plan.fleetStorage, { ...context, cluster: this.cluster }) : undefined;
    this.outputs = { ...this.cluster.outputs, ...(fleetStorage?.outputs ?? {}) };
    this.registerOutputs(this.outputs);
  }
}
