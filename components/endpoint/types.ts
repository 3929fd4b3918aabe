import type * as pulumi from "@pulumi/pulumi";

/**
 * How the hub is reached from outside: the proxy's address and name, whether it is
 * served over https, and what the release must wait for so that letsencrypt finds
 * the name resolving.
 */
export interface HubEndpoint {
  /** The public host name, when the tenant has one. */
  readonly hostname?: string;
  /** Set exactly when the proxy serves https with a letsencrypt certificate for `hostname`. */
  readonly letsencryptEmail?: string;
  /** LoadBalancer on a cloud; ClusterIP on a local cluster, reached by port-forward. */
  readonly proxyServiceType: "LoadBalancer" | "ClusterIP";
  /** A reserved address for the proxy's LoadBalancer service (`proxy.service.loadBalancerIP`). */
  readonly loadBalancerIp?: pulumi.Output<string>;
  /** Annotations the proxy's LoadBalancer service needs (a cloud load balancer to adopt, for example). */
  readonly proxyServiceAnnotations?: pulumi.Output<Record<string, string>>;
  /** The address and the DNS records: the hub release depends on them. */
  readonly readyResources: pulumi.Resource[];
}
