/** Placeholders for digitalocean resources and provider functions (merged in placeholders.ts). */
import { known, secretOutput, type PlaceholderRules } from "./placeholder-kit";

const text = (value: unknown, fallback: string): string => (typeof value === "string" && value !== "" ? value : fallback);

/** DigitalOcean's port for Managed PostgreSQL. */
const MANAGED_POSTGRES_PORT = 25060;

export const digitaloceanPlaceholders: PlaceholderRules = {
  outputs: {
    "digitalocean:index/vpc:Vpc": (name, inputs) => ({ name: text(inputs.name, name), urn: known(name, "urn") }),
    "digitalocean:index/kubernetesCluster:KubernetesCluster": (name, inputs) => ({
      name: text(inputs.name, name),
      endpoint: known(name, "endpoint"),
      urn: known(name, "urn"),
      // The SDK registers kubeConfigs as a secret output: the mock marks it so, as the engine does.
      kubeConfigs: [
        {
          rawConfig: known(name, "kubeConfigs[0].rawConfig"),
          host: known(name, "endpoint"),
          token: known(name, "kubeConfigs[0].token"),
          clusterCaCertificate: known(name, "kubeConfigs[0].clusterCaCertificate"),
          expiresAt: known(name, "kubeConfigs[0].expiresAt"),
        },
      ],
    }),
    "digitalocean:index/databaseCluster:DatabaseCluster": (name, inputs) => ({
      name: text(inputs.name, name),
      host: known(name, "host"),
      privateHost: known(name, "privateHost"),
      port: MANAGED_POSTGRES_PORT,
      user: "doadmin",
      password: secretOutput(known(name, "password")),
      uri: secretOutput(known(name, "uri")),
      privateUri: secretOutput(known(name, "privateUri")),
      urn: known(name, "urn"),
    }),
    "digitalocean:index/databaseUser:DatabaseUser": (name) => ({ password: secretOutput(known(name, "password")), role: "normal" }),
    "digitalocean:index/loadBalancer:LoadBalancer": (name, inputs) => ({
      name: text(inputs.name, name),
      ip: known(name, "ip"),
      urn: known(name, "urn"),
      status: "active",
    }),
    "digitalocean:index/dnsRecord:DnsRecord": (name, inputs) => ({ fqdn: known(name, `fqdn(${text(inputs.name, "@")})`) }),
  },
  invokes: {
    // The newest DOKS patch of a minor version is known only to the API.
    "digitalocean:index/getKubernetesVersions:getKubernetesVersions": (inputs) => {
      const prefix = text(inputs.versionPrefix, "");
      const latest = `<newest DOKS ${prefix}x>`;
      return { id: known("kubernetes-versions", prefix), latestVersion: latest, validVersions: [latest], versionPrefix: prefix };
    },
  },
};
