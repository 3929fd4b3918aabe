/**
 * A stack that is only a cluster, shared by tenant stacks (Habari's model): they
 * reference it by stack name and get their namespace and release on it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config/schema";
import { clusterBuilders } from "./kinds";
import type { EstateCluster } from "./kinds/types";

export class SharedClusterEstate extends pulumi.ComponentResource {
  readonly cluster: EstateCluster;
  readonly outputs: Record<string, pulumi.Input<unknown>>;

  constructor(name: string, args: { readonly config: StackConfig }, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:estate:SharedCluster", name, {}, opts);
    const kind = args.config.cluster.kind;
    const builder = clusterBuilders[kind];
    if (!builder) throw new pulumi.ResourceError(`hubfleet has no cluster builder for kind ${kind}`, this);
    this.cluster = builder({ config: args.config, parent: this });
    this.outputs = { ...this.cluster.outputs };
    this.registerOutputs(this.outputs);
  }
}
