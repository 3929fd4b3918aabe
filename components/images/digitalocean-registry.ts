/**
 * The DigitalOcean Container Registry notebook images are pushed to. An account has
 * exactly one registry, so one stack creates it (`create: true`) and every other
 * stack of the account names it. Builds log in with short-lived write credentials
 * that the provider issues (ContainerRegistryDockerCredentials); DOKS nodes pull
 * through the cluster's registry integration, which puts a `registry-<name>` pull
 * secret into every namespace.
 *
 * The digitalocean provider comes from the parent.
 */
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import type { ImageRegistry, RegistryLogin } from "./registry";

export type RegistryTier = "starter" | "basic" | "professional";

export interface DigitalOceanRegistryArgs {
  /** The account's registry name (a DNS label): `registry.digitalocean.com/<name>`. */
  readonly registryName: string;
  /** Create the registry here; otherwise it exists already (made by another stack of the account). */
  readonly create: boolean;
  /** starter holds one repository of 500 MB: too small for the datascience image; basic or professional. */
  readonly tier: RegistryTier;
  /** A region DigitalOcean offers registries in, such as blr1, fra1, nyc3. */
  readonly region: string;
  /** How long the build's write credential lives. */
  readonly credentialExpirySeconds: number;
}

export const DOCR_HOST = "registry.digitalocean.com";

/** The pull secret DOKS's registry integration writes into every namespace. */
export function doksPullSecretName(registryName: string): string {
  return `registry-${registryName}`;
}

export function digitalOceanRegistryProblems(args: DigitalOceanRegistryArgs): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(args.registryName))
    problems.push(`registryName "${args.registryName}" must be a DNS label (lowercase letters, digits, '-')`);
  if (args.tier === "starter")
    problems.push("the starter tier holds one repository of 500 MB, less than one notebook image: choose basic or professional");
  if (!Number.isInteger(args.credentialExpirySeconds) || args.credentialExpirySeconds < 600)
    problems.push("credentialExpirySeconds must be at least 600, long enough for a build to push");
  return problems;
}

/** The login in a Docker config JSON (`{"auths": {host: {"auth": base64(user:password)}}}`). */
export function dockerConfigLogin(dockerConfigJson: string, address: string): RegistryLogin {
  const config = JSON.parse(dockerConfigJson) as { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
  const entry = config.auths?.[address];
  if (!entry) throw new Error(`the Docker credentials hold no login for ${address}`);
  if (entry.username !== undefined && entry.password !== undefined) return { address, username: entry.username, password: entry.password };
  const decoded = Buffer.from(entry.auth ?? "", "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) throw new Error(`the Docker credentials for ${address} are not user:password`);
  return { address, username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export class DigitalOceanRegistry extends pulumi.ComponentResource implements ImageRegistry {
  readonly repository: pulumi.Output<string>;
  readonly login: pulumi.Output<RegistryLogin>;
  readonly buildCache = true;
  readonly pullSecretNames: readonly string[];
  readonly readyResources: pulumi.Resource[];

  constructor(name: string, args: DigitalOceanRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:images:DigitalOceanRegistry", name, {}, opts);
    const problems = digitalOceanRegistryProblems(args);
    if (problems.length > 0) throw new pulumi.ResourceError(`DigitalOcean registry ${args.registryName}: ${problems.join("; ")}`, this);

    const ready: pulumi.Resource[] = [];
    let registryName: pulumi.Output<string>;
    if (args.create) {
      const registry = new digitalocean.ContainerRegistry(
        `${name}-registry`,
        { name: args.registryName, subscriptionTierSlug: args.tier, region: args.region },
        { parent: this },
      );
      registryName = registry.name;
      ready.push(registry);
    } else {
      registryName = pulumi.output(args.registryName);
    }
    // Write access for the build, renewed at each `pulumi up`; nothing long-lived is stored.
    const credentials = new digitalocean.ContainerRegistryDockerCredentials(
      `${name}-push-credentials`,
      { registryName, write: true, expirySeconds: args.credentialExpirySeconds },
      { parent: this, dependsOn: ready },
    );
    this.login = pulumi.secret(credentials.dockerCredentials.apply((json) => dockerConfigLogin(json, DOCR_HOST)));
    this.repository = pulumi.interpolate`${DOCR_HOST}/${registryName}`;
    this.pullSecretNames = [doksPullSecretName(args.registryName)];
    this.readyResources = [...ready, credentials];
    this.registerOutputs({ repository: this.repository });
  }
}
