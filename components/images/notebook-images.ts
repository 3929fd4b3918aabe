/**
 * Every image a tenant's hub runs, from its choices (the default server and each
 * profile): each `images/` folder built once, each added package list built once as a
 * derived image, external references passed through as pinned. On a shared cluster
 * the cluster stack builds the images and tenants pass its digest references as
 * `prebuilt`, so nothing is built twice; a tenant's own packages still build here,
 * on the shared image's digest.
 */
import * as pulumi from "@pulumi/pulumi";
import { baseKey, choiceKey, imageBuildPlan, imageChoiceProblems, type ImageChoice } from "./choice";
import { DerivedImage } from "./derived-image";
import { hasAddedPackages } from "./derived";
import { NotebookImage } from "./image";
import type { ImageRegistry } from "./registry";

export interface NotebookImagesArgs {
  readonly tenant: string;
  readonly choices: readonly ImageChoice[];
  /** Where builds are pushed; needed only when something is built here. */
  readonly registry?: ImageRegistry;
  /** Images built by another stack (the shared cluster's `notebookImages` output): folder name → digest reference. */
  readonly prebuilt?: Readonly<Record<string, pulumi.Input<string>>>;
  readonly buildOnPreview?: boolean;
}

export class NotebookImages extends pulumi.ComponentResource {
  /** Folder name → digest reference, for each image of `images/` this stack built or was given. */
  readonly refs: Record<string, pulumi.Output<string>> = {};
  private readonly byChoice = new Map<string, pulumi.Output<string>>();

  constructor(name: string, args: NotebookImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:images:NotebookImages", name, {}, opts);
    const problems = args.choices.flatMap((choice) => imageChoiceProblems(choice));
    const plan = imageBuildPlan(args.tenant, args.choices);
    const toBuild = plan.builds.filter((image) => !(args.prebuilt && image in args.prebuilt));
    if ((toBuild.length > 0 || plan.derived.length > 0) && !args.registry) problems.push("images are built here but no registry is given");
    if (problems.length > 0) throw new pulumi.ResourceError(`images of ${args.tenant}: ${[...new Set(problems)].join("; ")}`, this);

    const bases = new Map<string, pulumi.Output<string>>();
    for (const image of plan.builds) {
      const given = args.prebuilt?.[image];
      const ref =
        given !== undefined
          ? pulumi.output(given)
          : new NotebookImage(
              `${name}-${image}`,
              { imageName: image, registry: args.registry!, buildOnPreview: args.buildOnPreview },
              { parent: this },
            ).ref;
      this.refs[image] = ref;
      bases.set(`build:${image}`, ref);
    }
    for (const build of plan.derived) {
      const base = bases.get(build.base) ?? pulumi.output(build.base.slice("external:".length));
      const derived = new DerivedImage(
        `${name}-${build.imageName}`,
        { imageName: build.imageName, base, packages: build.packages, registry: args.registry!, buildOnPreview: args.buildOnPreview },
        { parent: this },
      );
      this.byChoice.set(build.key, derived.ref);
    }
    for (const choice of args.choices) {
      if (!hasAddedPackages(choice.packages)) {
        this.byChoice.set(choiceKey(choice), bases.get(baseKey(choice)) ?? pulumi.output((choice as { external: string }).external));
      }
    }
    this.registerOutputs({ refs: this.refs });
  }

  /** The reference the hub values use for a choice: a digest reference, or the pinned external one as given. */
  refOf(choice: ImageChoice): pulumi.Output<string> {
    const ref = this.byChoice.get(choiceKey(choice));
    if (!ref) throw new Error(`no image for ${choiceKey(choice)}: pass it in the choices`);
    return ref;
  }
}
