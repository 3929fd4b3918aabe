/** Placeholders for the image builds and their registries (merged in placeholders.ts). */
import { known, secretOutput, type PlaceholderRules } from "./placeholder-kit";

const text = (value: unknown, fallback: string): string => (typeof value === "string" && value !== "" ? value : fallback);

/** A digest only a build knows, in the shape of one: `sha256:<name.digest>`. */
export function digestPlaceholder(name: string): string {
  return `sha256:${known(name, "digest")}`;
}

export const imagePlaceholders: PlaceholderRules = {
  outputs: {
    "docker-build:index:Image": (name, inputs) => {
      const tags = Array.isArray(inputs.tags) ? (inputs.tags as unknown[]) : [];
      const digest = digestPlaceholder(name);
      return { digest, ref: typeof tags[0] === "string" ? `${tags[0]}@${digest}` : "", contextHash: known(name, "contextHash") };
    },
    "gcp:artifactregistry/repository:Repository": (name, inputs) => {
      const location = text(inputs.location, "<location>");
      const project = text(inputs.project, "<project>");
      const repositoryId = text(inputs.repositoryId, name);
      return {
        name: `projects/${project}/locations/${location}/repositories/${repositoryId}`,
        registryUri: `${location}-docker.pkg.dev/${project}/${repositoryId}`,
      };
    },
    "digitalocean:index/containerRegistry:ContainerRegistry": (name, inputs) => ({
      name: text(inputs.name, name),
      serverUrl: "registry.digitalocean.com",
      endpoint: `registry.digitalocean.com/${text(inputs.name, name)}`,
    }),
    // A Docker config as DigitalOcean returns it, the login a readable placeholder (and a secret, as the engine keeps it).
    "digitalocean:index/containerRegistryDockerCredentials:ContainerRegistryDockerCredentials": (name) => {
      const auth = Buffer.from(`${known(name, "username")}:${known(name, "password")}`, "utf8").toString("base64");
      return { dockerCredentials: secretOutput(JSON.stringify({ auths: { "registry.digitalocean.com": { auth } } })) };
    },
  },
  invokes: {
    // The deploying identity's OAuth token: known only to gcloud's credentials.
    "gcp:organizations/getClientConfig:getClientConfig": () => ({
      id: "client-config",
      accessToken: secretOutput(known("gcp-client-config", "accessToken")),
      project: "<project>",
      region: "<region>",
      zone: "<zone>",
    }),
  },
};
