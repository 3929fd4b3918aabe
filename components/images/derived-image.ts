/**
 * A tenant's packages on top of a notebook image (built here or a pinned external
 * one), built once with a generated Dockerfile and pushed like any image: PipalHub's
 * per-workshop requirements without a `pip install` at every start. Its tag is the
 * content tag of the generated Dockerfile, which names the base by digest, so it is
 * rebuilt exactly when the base or the package list changes.
 */
import * as dockerbuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { addedPackagesProblems, derivedDockerfile, derivedTag, type AddedPackages } from "./derived";
import { IMAGES_DIR_IN_PROJECT, pushedImageArgs } from "./image";
import { digestReference, pinnedReferenceProblems, type NotebookImageFace } from "./reference";
import { imageRepository, type ImageRegistry } from "./registry";

/** The empty build context of derived images (its .dockerignore excludes everything). */
export const DERIVED_CONTEXT = `${IMAGES_DIR_IN_PROJECT}/_derived`;

export interface DerivedImageArgs {
  /** The pushed image's name, such as `workshop-pipalhub`. */
  readonly imageName: string;
  /** The base: a built image's digest reference, or an external reference pinned by tag or digest. */
  readonly base: pulumi.Input<string>;
  readonly packages: AddedPackages;
  readonly registry: ImageRegistry;
  readonly buildOnPreview?: boolean;
}

export class DerivedImage extends pulumi.ComponentResource implements NotebookImageFace {
  readonly ref: pulumi.Output<string>;
  readonly tag: pulumi.Output<string>;
  readonly repository: pulumi.Output<string>;
  /** The generated Dockerfile, shown in the render for review. */
  readonly dockerfile: pulumi.Output<string>;

  constructor(name: string, args: DerivedImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:images:DerivedImage", name, {}, opts);
    const problems = addedPackagesProblems(args.packages);
    if (typeof args.base === "string") problems.push(...pinnedReferenceProblems(args.base));
    if (problems.length > 0) throw new pulumi.ResourceError(`derived image ${args.imageName}: ${problems.join("; ")}`, this);

    this.dockerfile = pulumi.output(args.base).apply((base) => derivedDockerfile(base, args.packages));
    this.tag = this.dockerfile.apply(derivedTag);
    this.repository = args.registry.repository.apply((registry) => imageRepository(registry, args.imageName));
    const image = new dockerbuild.Image(
      `${name}-build`,
      pushedImageArgs({
        imageName: args.imageName,
        registry: args.registry,
        repository: this.repository,
        tag: this.tag,
        context: DERIVED_CONTEXT,
        dockerfile: this.dockerfile,
        labels: { "org.opencontainers.image.title": args.imageName },
        buildOnPreview: args.buildOnPreview,
      }),
      { parent: this, dependsOn: args.registry.readyResources },
    );

    this.ref = pulumi.all([this.repository, image.digest]).apply(([repository, digest]) => digestReference(repository, digest));
    this.registerOutputs({ ref: this.ref, tag: this.tag, repository: this.repository });
  }
}
