/**
 * A cluster hubfleet does not build: the current kube context (kind, minikube,
 * Docker Desktop) or a named one. No dedicated pools, so user pods go anywhere.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { anywhereScheduling, type HubScheduling } from "./scheduling";
import type { KubernetesTarget } from "./types";

export interface LocalClusterArgs {
  /** The kubeconfig context; the current one when unset. */
  readonly context?: string;
  readonly storageClass?: string;
}

export class LocalCluster extends pulumi.ComponentResource implements KubernetesTarget {
  readonly provider: k8s.Provider;
  readonly scheduling: HubScheduling = anywhereScheduling();
  readonly cloud = "local" as const;
  readonly readyResources: pulumi.Resource[] = [];
  readonly storageClass?: string;
  readonly context: pulumi.Output<string>;

  constructor(name: string, args: LocalClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:cluster:Local", name, {}, opts);
    this.provider = new k8s.Provider(
      `${name}-kubernetes`,
      {
        // Without a kubeconfig the provider reads ~/.kube/config (or $KUBECONFIG), like kubectl.
        ...(args.context ? { context: args.context } : {}),
        // Server-side apply keeps field ownership clean when the chart and hubfleet touch one object.
        enableServerSideApply: true,
      },
      { parent: this },
    );
    this.storageClass = args.storageClass;
    this.context = pulumi.output(args.context ?? "(current context)");
    this.registerOutputs({ context: this.context });
  }
}
