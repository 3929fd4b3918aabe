/**
 * What every registry kind gives the image builds, and nothing of its cloud: where
 * to push, how the build logs in (a short-lived credential from the provider, never
 * a stored key), whether it keeps the build cache, and what pods need to pull.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A registry login for pushing and for the build cache; the password is a Pulumi secret. */
export interface RegistryLogin {
  readonly address: string;
  readonly username: string;
  readonly password: string;
}

export interface ImageRegistry {
  /** The repository prefix: the image `datascience` is pushed as `<repository>/datascience`. */
  readonly repository: pulumi.Output<string>;
  /** The build's login, from the provider; absent where the registry needs none (kind's local one). */
  readonly login?: pulumi.Output<RegistryLogin>;
  /**
   * Whether the build may keep its layer cache in the registry (`type=registry`).
   * Docker's default builder cannot export a cache; the local registry says false.
   */
  readonly buildCache: boolean;
  /** Kubernetes Secrets (in the tenant namespace) that pods name as `imagePullSecrets`; empty when nodes pull by their own identity. */
  readonly pullSecretNames: readonly string[];
  /** Resources a build must wait for (the repository, its access grants). */
  readonly readyResources: pulumi.Resource[];
}

/** The repository an image is pushed to. */
export function imageRepository(registryRepository: string, imageName: string): string {
  return `${registryRepository.replace(/\/+$/, "")}/${imageName}`;
}

/** The tag under which the registry keeps an image's build cache (kept apart from versions by cleanup policies). */
export const BUILD_CACHE_TAG = "buildcache";

/**
 * The build cache's reference: a tag of the image's own repository, so that it costs no
 * repository of its own (DigitalOcean's basic tier holds five) and cleanup keeps it by tag.
 */
export function buildCacheRef(registryRepository: string, imageName: string): string {
  return `${imageRepository(registryRepository, imageName)}:${BUILD_CACHE_TAG}`;
}
