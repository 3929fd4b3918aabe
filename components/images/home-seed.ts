/**
 * Welcome files from a tenant's config (Habari's README, PipalHub's Welcome.ipynb):
 * a ConfigMap mounted read-only into every notebook server at HOME_SEED_MOUNT, where
 * the images' start hook (`before-notebook.d/50-hubfleet-home-seed`) copies each file
 * into the home on the first start only, never over a user's file. Files the image
 * carries are seeded the same way; a config file wins over an image file of the
 * same path.
 *
 * The kubernetes provider comes from the parent.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kubernetesLabels } from "../naming";

/** A file to seed: its path in the home and its text. */
export interface HomeSeedFile {
  readonly path: string;
  readonly content: string;
}

/** Where the hook looks first (the images' own files are at /opt/hubfleet/home-seed). */
export const HOME_SEED_MOUNT = "/etc/hubfleet/home-seed";
const VOLUME_NAME = "hubfleet-home-seed";
/** A ConfigMap holds at most 1 MiB; keep room for its metadata. */
export const HOME_SEED_MAX_BYTES = 900 * 1024;

/** Every problem with the files, each naming the file; empty when they are sound. */
export function homeSeedProblems(files: readonly HomeSeedFile[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const parts = file.path.split("/");
    if (file.path === "" || file.path.startsWith("/") || parts.some((p) => p === "" || p === "." || p === "..")) {
      problems.push(`"${file.path}" must be a relative path inside the home, such as Welcome.ipynb or docs/README.md`);
    } else if (parts.some((p) => p.startsWith(".."))) {
      problems.push(`"${file.path}": names starting with ".." are the ConfigMap's own`);
    }
    if (seen.has(file.path)) problems.push(`"${file.path}" is given twice`);
    seen.add(file.path);
  }
  const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.content) + Buffer.byteLength(f.path), 0);
  if (bytes > HOME_SEED_MAX_BYTES)
    problems.push(`the files hold ${bytes} bytes; a ConfigMap takes at most ${HOME_SEED_MAX_BYTES}: ship large files in the image`);
  return problems;
}

/** A ConfigMap key per file (keys cannot hold '/'; the mount's items give each its path). */
function keyOf(index: number, filePath: string): string {
  const base = filePath
    .split("/")
    .pop()!
    .replace(/[^-._a-zA-Z0-9]/g, "_");
  return `f${index}-${base}`.slice(0, 253);
}

/** The ConfigMap's data and the items that place each key at its path, in path order. */
export function homeSeedConfigMap(files: readonly HomeSeedFile[]): {
  data: Record<string, string>;
  items: { key: string; path: string }[];
} {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const data: Record<string, string> = {};
  const items = sorted.map((file, i) => {
    const key = keyOf(i, file.path);
    data[key] = file.content;
    return { key, path: file.path };
  });
  return { data, items };
}

/**
 * The chart values that mount the files (`singleuser.storage.extraVolumes` and
 * `extraVolumeMounts`): to be appended to any others, never merged over them.
 */
export function homeSeedValues(
  configMapName: string,
  files: readonly HomeSeedFile[],
): { extraVolumes: Record<string, unknown>[]; extraVolumeMounts: Record<string, unknown>[] } {
  const { items } = homeSeedConfigMap(files);
  return {
    // Readable by the notebook user; the hook copies, so the mounted files never need to be writable.
    extraVolumes: [{ name: VOLUME_NAME, configMap: { name: configMapName, items, defaultMode: 0o444 } }],
    extraVolumeMounts: [{ name: VOLUME_NAME, mountPath: HOME_SEED_MOUNT, readOnly: true }],
  };
}

export interface HomeSeedFilesArgs {
  readonly tenant: string;
  readonly namespace: pulumi.Input<string>;
  readonly files: readonly HomeSeedFile[];
}

export class HomeSeedFiles extends pulumi.ComponentResource {
  readonly configMapName: pulumi.Output<string>;
  /** The values fragment for `singleuser.storage` (see homeSeedValues). */
  readonly storageValues: pulumi.Output<ReturnType<typeof homeSeedValues>>;

  constructor(name: string, args: HomeSeedFilesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubfleet:images:HomeSeedFiles", name, {}, opts);
    const problems = homeSeedProblems(args.files);
    if (problems.length > 0) throw new pulumi.ResourceError(`home seed files of ${args.tenant}: ${problems.join("; ")}`, this);
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-files`,
      {
        metadata: { name: "hubfleet-home-seed", namespace: args.namespace, labels: kubernetesLabels(args.tenant, "home-seed") },
        data: homeSeedConfigMap(args.files).data,
      },
      { parent: this },
    );
    this.configMapName = configMap.metadata.name;
    this.storageValues = this.configMapName.apply((configMapName) => homeSeedValues(configMapName, args.files));
    this.registerOutputs({ configMapName: this.configMapName });
  }
}
