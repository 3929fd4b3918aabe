/**
 * A Docker repository in Google Artifact Registry for a tenant's (or a shared
 * cluster's) notebook images: a cleanup policy keeps the newest versions of each
 * image and the build cache, the nodes' service account may read it, and builds log
 * in with the deploying identity's short-lived access token (no service-account key).
 *
 * The gcp provider (project, region) comes from the parent.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { resourceName } from "../naming";
import { BUILD_CACHE_TAG, type ImageRegistry, type RegistryLogin } from "./registry";

export interface ArtifactRegistryArgs {
  /** The tenant or shared cluster: the repository is `<tenant>-images`. */
  readonly tenant: string;
  readonly project: string;
  /** A region such as europe-west1: the repository lives beside the cluster. */
  readonly location: string;
  /** The newest versions of each image that cleanup always keeps (the build cache, a tagged version, may be one of them; older versions go after a week). */
  readonly keepVersions: number;
  /** Service account e-mails that pull images: the cluster's node service account. */
  readonly readers: readonly pulumi.Input<string>[];
  readonly labels: Readonly<Record<string, string>>;
}

/** Older versions than this are deleted unless a KEEP policy holds them. */
export const DELETE_OLDER_THAN = "7d";

/** The host of a region's Docker repositories. */
export function artifactRegistryHost(location: string): string {
  return `${location}-docker.pkg.dev`;
}

/** The repository's cleanup: keep the newest N of each image and every build cache, delete the rest after a week. */
export function artifactRegistryCleanupPolicies(keepVersions: number): gcp.types.input.artifactregistry.RepositoryCleanupPolicy[] {
  return [
    { id: "keep-newest-versions", action: "KEEP", mostRecentVersions: { keepCount: keepVersions } },
    { id: "keep-build-cache", action: "KEEP", condition: { tagState: "TAGGED", tagPrefixes: [BUILD_CACHE_TAG] } },
    { id: "delete-old-versions", action: "DELETE", condition: { tagState: "ANY", olderThan: DELETE_OLDER_THAN } },
  ];
}

export function artifactRegistryProblems(args: ArtifactRegistryArgs): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(args.keepVersions) || args.keepVersions < 1)
    problems.push(`keepVersions is ${args.keepVersions}; keep at least the running version (1 or more)`);
  if (args.readers.length === 0) problems.push("no reader: the nodes' service account must be allowed to pull");
  return problems;
}

/** Docker's login for Artifact Registry with an OAuth access token. */
export function accessTokenLogin(location: string, accessToken: string): RegistryLogin {
  return { address: artifactRegistryHost(location), username: "oauth2accesstoken", password: accessToken };
}

export class ArtifactRegistry extends pulumi.ComponentResource implements ImageRegistry {
  readonly repository: pulumi.Output<string>;
  readonly login: pulumi.Output<RegistryLogin>;
  readonly buildCache = true;
  /** GKE nodes pull with their service account: no pull secret. */
  readonly pullSecretNames: readonly string[] = [];
  readonly readyResources: pulumi.Resource[];
  readonly repositoryId: pulumi.Output<string>;

  constructor(name: string, args: ArtifactRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:images:ArtifactRegistry", name, {}, opts);
    const problems = artifactRegistryProblems(args);
    if (problems.length > 0) throw new pulumi.ResourceError(`Artifact Registry for ${args.tenant}: ${problems.join("; ")}`, this);

    const repository = new gcp.artifactregistry.Repository(
      `${name}-repository`,
      {
        project: args.project,
        location: args.location,
        repositoryId: resourceName(args.tenant, "images"),
        format: "DOCKER",
        description: `hubfleet: notebook images of ${args.tenant}`,
        cleanupPolicies: artifactRegistryCleanupPolicies(args.keepVersions),
        cleanupPolicyDryRun: false,
        labels: { ...args.labels },
      },
      { parent: this },
    );
    const readers = args.readers.map(
      (email, i) =>
        new gcp.artifactregistry.RepositoryIamMember(
          `${name}-reader-${i}`,
          {
            project: repository.project,
            location: repository.location,
            repository: repository.name,
            role: "roles/artifactregistry.reader",
            member: pulumi.interpolate`serviceAccount:${email}`,
          },
          { parent: this },
        ),
    );

    // The deploying identity's token (gcloud's application default credentials): short-lived, never stored.
    const client = gcp.organizations.getClientConfigOutput({ parent: this });
    this.login = pulumi.secret(client.accessToken.apply((token) => accessTokenLogin(args.location, token)));
    this.repository = repository.registryUri;
    this.repositoryId = repository.repositoryId;
    this.readyResources = [repository, ...readers];
    this.registerOutputs({ repository: this.repository, repositoryId: this.repositoryId });
  }
}

/**
 * The face of a repository another stack made (a shared cluster's, from its
 * `imageRepository` output), for a tenant that builds its own derived images there:
 * the login from this stack's gcp provider (the invoke options carry it).
 */
export function existingArtifactRegistry(
  repository: pulumi.Input<string>,
  location: pulumi.Input<string>,
  opts: pulumi.InvokeOutputOptions,
): ImageRegistry {
  const client = gcp.organizations.getClientConfigOutput(opts);
  return {
    repository: pulumi.output(repository),
    login: pulumi.secret(pulumi.all([client.accessToken, location]).apply(([token, region]) => accessTokenLogin(region, token))),
    buildCache: true,
    pullSecretNames: [],
    readyResources: [],
  };
}
