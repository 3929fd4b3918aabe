/**
 * A notebook image built from a folder of `images/` with Docker Buildx (the
 * docker-build provider): for linux/amd64, tagged with the folder's content tag,
 * pushed to the tenant's registry, the registry holding the layer cache, and given
 * to the hub as a digest reference. The tag changes exactly when the folder does,
 * so an unchanged folder is never rebuilt, and the digest makes every node pull
 * exactly what was built.
 *
 * `pulumi up` needs Docker with buildx on the deploying machine (docs/images.md);
 * previews do not build unless asked, since the datascience image takes long.
 */
import * as dockerbuild from "@pulumi/docker-build";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { folderContentTag } from "./content-tag";
import { digestReference, type NotebookImageFace } from "./reference";
import { buildCacheRef, imageRepository, type ImageRegistry } from "./registry";

/** The folder of image folders, in this repository. */
export const IMAGES_DIR = path.resolve(__dirname, "..", "..", "images");
/** The same folder as Pulumi sees it: relative to the project directory, where `pulumi up` runs, so plans do not hold a machine's paths. */
export const IMAGES_DIR_IN_PROJECT = "images";
/** Nodes are x86-64 on every cloud hubfleet targets; an arm64 laptop still builds for them. */
export const PLATFORM = "linux/amd64";

/** The images a tenant may choose by name: the folders of `images/` with a Dockerfile (`_` folders are internal). */
export function availableImages(imagesDir = IMAGES_DIR): string[] {
  return fs
    .readdirSync(imagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("_") && fs.existsSync(path.join(imagesDir, entry.name, "Dockerfile")))
    .map((entry) => entry.name)
    .sort();
}

/** The start hook every notebook image carries (docker-stacks' before-notebook.d); service images have none. */
export const HOME_SEED_HOOK = path.join("hooks", "50-hubfleet-home-seed");

/** The images notebook servers can run: those that carry the home-seeding start hook. */
export function notebookImages(imagesDir = IMAGES_DIR): string[] {
  return availableImages(imagesDir).filter((name) => fs.existsSync(path.join(imagesDir, name, HOME_SEED_HOOK)));
}

/** The images services beside the hub run (dashboard, knowledge-repo): those without the notebook start hook. */
export function serviceImages(imagesDir = IMAGES_DIR): string[] {
  const notebooks = new Set(notebookImages(imagesDir));
  return availableImages(imagesDir).filter((name) => !notebooks.has(name));
}

/** Why a service image name cannot be built, or an empty list. */
export function serviceImageNameProblems(imageName: string, imagesDir = IMAGES_DIR): string[] {
  const names = serviceImages(imagesDir);
  return names.includes(imageName) ? [] : [`"${imageName}" is not a service image of images/: choose one of ${names.join(", ")}`];
}

/** Why a notebook image name cannot be built, or an empty list. */
export function imageNameProblems(imageName: string, imagesDir = IMAGES_DIR): string[] {
  const names = notebookImages(imagesDir);
  return names.includes(imageName)
    ? []
    : [`"${imageName}" is not an image of images/: choose one of ${names.join(", ")}, or give a pinned external reference`];
}

/** The docker-build cache settings: the registry as cache, every layer (mode max), OCI manifests as Artifact Registry and DOCR accept them. */
export function registryCacheArgs(cacheRef: string): {
  cacheFrom: dockerbuild.types.input.CacheFromArgs[];
  cacheTo: dockerbuild.types.input.CacheToArgs[];
} {
  return {
    cacheFrom: [{ registry: { ref: cacheRef } }],
    cacheTo: [{ registry: { ref: cacheRef, mode: "max", imageManifest: true, ociMediaTypes: true } }],
  };
}

/**
 * What every pushed image's build takes: linux/amd64, pushed under its content tag to the
 * tenant's registry, the registry as build cache where it can hold one, the provider's
 * credentials, and no build during preview unless asked.
 */
export function pushedImageArgs(input: {
  readonly imageName: string;
  readonly registry: ImageRegistry;
  readonly repository: pulumi.Output<string>;
  readonly tag: pulumi.Input<string>;
  readonly context: string;
  readonly dockerfile?: pulumi.Output<string>;
  readonly labels: Readonly<Record<string, pulumi.Input<string>>>;
  readonly buildOnPreview?: boolean;
}): dockerbuild.ImageArgs {
  const { registry, imageName } = input;
  const cache = registry.buildCache
    ? registry.repository.apply((repository) => registryCacheArgs(buildCacheRef(repository, imageName)))
    : undefined;
  return {
    context: { location: input.context },
    ...(input.dockerfile ? { dockerfile: { inline: input.dockerfile } } : {}),
    platforms: [PLATFORM],
    push: true,
    tags: [pulumi.interpolate`${input.repository}:${input.tag}`],
    labels: { ...input.labels },
    ...(cache ? { cacheFrom: cache.apply((c) => c.cacheFrom), cacheTo: cache.apply((c) => c.cacheTo) } : {}),
    ...(registry.login ? { registries: registry.login.apply((login) => [login]) } : {}),
    buildOnPreview: input.buildOnPreview ?? false,
  };
}

export interface NotebookImageArgs {
  /** A folder of `images/`: datascience, workshop. */
  readonly imageName: string;
  readonly registry: ImageRegistry;
  /** Build during `pulumi preview` too (default false: previews stay fast, CI previews need no Docker). */
  readonly buildOnPreview?: boolean;
  /** A service image (dashboard, knowledge-repo) rather than a notebook image; built the same way. */
  readonly service?: boolean;
}

export class NotebookImage extends pulumi.ComponentResource implements NotebookImageFace {
  /** `<repository>/<image>@sha256:<hex>`: what the hub's values reference. */
  readonly ref: pulumi.Output<string>;
  /** The content tag pushed beside the digest, for people reading the registry. */
  readonly tag: string;
  readonly repository: pulumi.Output<string>;

  constructor(name: string, args: NotebookImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:images:NotebookImage", name, {}, opts);
    const problems = args.service ? serviceImageNameProblems(args.imageName) : imageNameProblems(args.imageName);
    if (problems.length > 0) throw new pulumi.ResourceError(`image ${name}: ${problems.join("; ")}`, this);

    this.tag = folderContentTag(path.join(IMAGES_DIR, args.imageName));
    this.repository = args.registry.repository.apply((registry) => imageRepository(registry, args.imageName));
    const image = new dockerbuild.Image(
      `${name}-build`,
      pushedImageArgs({
        imageName: args.imageName,
        registry: args.registry,
        repository: this.repository,
        tag: this.tag,
        context: `${IMAGES_DIR_IN_PROJECT}/${args.imageName}`,
        labels: { "org.opencontainers.image.title": args.imageName, "org.opencontainers.image.version": this.tag },
        buildOnPreview: args.buildOnPreview,
      }),
      { parent: this, dependsOn: args.registry.readyResources },
    );

    this.ref = pulumi.all([this.repository, image.digest]).apply(([repository, digest]) => digestReference(repository, digest));
    this.registerOutputs({ ref: this.ref, tag: this.tag, repository: this.repository });
  }
}
