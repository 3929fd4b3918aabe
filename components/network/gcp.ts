/**
 * A tenant's (or a shared cluster's) VPC on Google Cloud: a custom-mode network, one
 * VPC-native subnetwork with secondary ranges for pods and services, Cloud NAT when
 * nodes are private, and, when a Cloud SQL instance will live on it, private services
 * access (a named range peered with Google's service producers).
 *
 * The estate decides whether the peering is needed: one per network, made by the
 * stack that owns the network, whichever tenant's instance uses it.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../naming";

export interface GcpNetworkArgs {
  /** The owner's name: the prefix of every resource name. */
  readonly tenant: string;
  readonly project: string;
  readonly region: string;
  /** Nodes without public IPs: a Cloud Router and NAT give them egress (an hourly cost). */
  readonly cloudNat: boolean;
  /** Reserve the Google-services range and peer it, so that Cloud SQL gets a private IP here. */
  readonly privateServicesAccess: boolean;
}

/** The subnetwork's ranges: nodes, then the pods' and services' secondary ranges (VPC-native). */
export const SUBNET_RANGES = {
  nodes: "10.10.0.0/20",
  pods: { rangeName: "pods", ipCidrRange: "10.16.0.0/14" },
  services: { rangeName: "services", ipCidrRange: "10.20.0.0/20" },
  /** The control plane's range when nodes are private. */
  controlPlane: "172.16.0.0/28",
  /**
   * Reserved for Google's service producers (Cloud SQL's private IPs; at least a /24).
   * Named rather than left to Google, which could pick it before the subnetwork exists
   * and overlap the ranges above.
   */
  googleServices: { address: "10.32.0.0", prefixLength: 20 },
} as const;

export class GcpNetwork extends pulumi.ComponentResource {
  /** `projects/<p>/global/networks/<n>`. */
  readonly networkId: pulumi.Output<string>;
  readonly subnetworkId: pulumi.Output<string>;
  /** The router and NAT private nodes need before they can pull images. */
  readonly egressReady: pulumi.Resource[];
  /** The peering Cloud SQL's private IP needs; absent when not asked for. */
  readonly privateServicesAccess?: pulumi.Resource;

  constructor(name: string, args: GcpNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:network:Gcp", name, {}, opts);
    const { tenant, project, region } = args;

    const network = new gcp.compute.Network(
      `${name}-vpc`,
      { name: resourceName(tenant, "network"), project, autoCreateSubnetworks: false, routingMode: "REGIONAL" },
      { parent: this },
    );
    const subnetwork = new gcp.compute.Subnetwork(
      `${name}-subnetwork`,
      {
        name: resourceName(tenant, "nodes"),
        project,
        region,
        network: network.id,
        ipCidrRange: SUBNET_RANGES.nodes,
        secondaryIpRanges: [SUBNET_RANGES.pods, SUBNET_RANGES.services],
        // Private nodes still reach Google APIs (Artifact Registry, logging) without NAT.
        privateIpGoogleAccess: true,
      },
      { parent: this },
    );
    this.egressReady = args.cloudNat ? this.cloudNat(name, args, network) : [];
    this.privateServicesAccess = args.privateServicesAccess ? this.privateServiceConnection(name, args, network) : undefined;

    this.networkId = network.id;
    this.subnetworkId = subnetwork.id;
    this.registerOutputs({ networkId: this.networkId, subnetworkId: this.subnetworkId });
  }

  /** A Cloud Router with NAT, so that private nodes pull images and reach the internet. */
  private cloudNat(name: string, args: GcpNetworkArgs, network: gcp.compute.Network): pulumi.Resource[] {
    const router = new gcp.compute.Router(
      `${name}-router`,
      { name: resourceName(args.tenant, "router"), project: args.project, region: args.region, network: network.id },
      { parent: this },
    );
    const nat = new gcp.compute.RouterNat(
      `${name}-nat`,
      {
        name: resourceName(args.tenant, "nat"),
        project: args.project,
        region: args.region,
        router: router.name,
        natIpAllocateOption: "AUTO_ONLY",
        sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
        logConfig: { enable: true, filter: "ERRORS_ONLY" },
      },
      { parent: this },
    );
    return [router, nat];
  }

  /** The range and the peering that give Cloud SQL a private IP on this network. */
  private privateServiceConnection(name: string, args: GcpNetworkArgs, network: gcp.compute.Network): pulumi.Resource {
    const range = new gcp.compute.GlobalAddress(
      `${name}-services-range`,
      {
        name: resourceName(args.tenant, "services-range"),
        project: args.project,
        network: network.id,
        purpose: "VPC_PEERING",
        addressType: "INTERNAL",
        address: SUBNET_RANGES.googleServices.address,
        prefixLength: SUBNET_RANGES.googleServices.prefixLength,
      },
      { parent: this },
    );
    return new gcp.servicenetworking.Connection(
      `${name}-services-peering`,
      {
        network: network.id,
        service: "servicenetworking.googleapis.com",
        reservedPeeringRanges: [range.name],
        // Google keeps Cloud SQL's producer side for days after an instance goes and refuses to delete
        // the connection meanwhile: abandon it rather than fail the destroy here. The peering it leaves
        // must then be removed before the network goes (docs/gcp.md gives the one gcloud command).
        deletionPolicy: "ABANDON",
        // A tenant re-created under the same network name meets the abandoned connection: update it.
        updateOnCreationFail: true,
      },
      { parent: this },
    );
  }
}
