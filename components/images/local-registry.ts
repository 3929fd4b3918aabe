/**
 * The registry kind documents for local clusters: a `registry:2` container on the
 * host at `localhost:5001`, which the kind nodes' containerd is configured to
 * reach, so the same `localhost:5001/...` reference works for the push and for the
 * pods. hubfleet does not run it: `kind create cluster` with kind's local-registry
 * script does (docs/images.md). No login, no pull secret.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ImageRegistry } from "./registry";

export interface LocalRegistryArgs {
  /** `host:port` of the registry as both the build and the nodes see it. */
  readonly address?: string;
}

/** kind's documented local registry. */
export const KIND_LOCAL_REGISTRY = "localhost:5001";

export class LocalRegistry extends pulumi.ComponentResource implements ImageRegistry {
  readonly repository: pulumi.Output<string>;
  // Docker's default builder (the docker driver) cannot export a registry cache; layers stay in the local daemon.
  readonly buildCache = false;
  readonly pullSecretNames: readonly string[] = [];
  readonly readyResources: pulumi.Resource[] = [];

  constructor(name: string, args: LocalRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:images:LocalRegistry", name, {}, opts);
    this.repository = pulumi.output(`${args.address ?? KIND_LOCAL_REGISTRY}/hubfleet`);
    this.registerOutputs({ repository: this.repository });
  }
}
