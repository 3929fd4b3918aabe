/**
 * NetworkPolicy egress rules that notebook pods need beyond the chart's defaults,
 * which deny private addresses: the database and the in-cluster object store.
 * Each rule opens one port to as few peers as can be named.
 */
/** A NetworkPolicy egress rule in Kubernetes' own shape. */
export type EgressRule = Record<string, unknown>;

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** Egress to a database server: its own address when it is an IP, else private ranges on its port only. */
export function databaseEgress(host: string, port: number): EgressRule {
  const isIpv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
  return {
    to: (isIpv4 ? [`${host}/32`] : PRIVATE_RANGES).map((cidr) => ({ ipBlock: { cidr } })),
    ports: [{ port, protocol: "TCP" }],
  };
}

/** Egress to pods of the tenant's namespace with these labels, on one port. */
export function podEgress(podLabels: Readonly<Record<string, string>>, port: number): EgressRule {
  return { to: [{ podSelector: { matchLabels: { ...podLabels } } }], ports: [{ port, protocol: "TCP" }] };
}
