/**
 * A cluster hubfleet does not build (kind, minikube, Docker Desktop), by its named
 * kube context. No dedicated pools, so user pods go anywhere.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { anywhereScheduling, type HubScheduling } from "./scheduling";
import type { KubernetesTarget } from "./types";

export interface LocalClusterArgs {
  /** The kubeconfig context to deploy to, named so that a stack never follows whatever context is current. */
  readonly context: string;
  readonly storageClass?: string;
}

export class LocalCluster extends pulumi.ComponentResource implements KubernetesTarget {
  readonly provider: k8s.Provider;
  readonly scheduling: HubScheduling = anywhereScheduling();
  readonly cloud = "local" as const;
  readonly systemReady: pulumi.Resource[] = [];
  readonly userPools: pulumi.Resource[] = [];
  /** kind's default CNI (kindnet) does not enforce NetworkPolicy; the chart's policies are then advisory. */
  readonly networkPolicyEnforced = false;
  readonly storageClass?: string;
  readonly context: pulumi.Output<string>;

  constructor(name: string, args: LocalClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:cluster:Local", name, {}, opts);
    this.provider = new k8s.Provider(
      `${name}-kubernetes`,
      {
        // Without a kubeconfig the provider reads ~/.kube/config (or $KUBECONFIG), like kubectl.
        context: args.context,
        // Server-side apply keeps field ownership clean when the chart and hubfleet touch one object.
        enableServerSideApply: true,
      },
      { parent: this },
    );
    this.storageClass = args.storageClass;
    this.context = pulumi.output(args.context);
    this.registerOutputs({ context: this.context });
  }
}
