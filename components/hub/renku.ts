/**
 * The Renku-style preset as hub values, laid over the `gitlab` login's values
 * (auth.ts): servers started from GitLab projects, built from JupyterHub and
 * KubeSpawner features rather than Renku's own launcher service.
 *
 * - GitLab login with auth state kept, encrypted with the auth-state key (auth-state.ts),
 *   refreshed before each spawn (oauthenticator renews an expired GitLab token then).
 * - GitLab scopes: `read_user` to log in, `read_repository` to clone over HTTPS
 *   (and fetch LFS objects), `write_repository` to push the autosave branch; plus
 *   `read_api` only when group membership gates the login. Never `api`, which is the
 *   whole API on the user's behalf.
 * - Named servers, one per project and ref; a spawn form (renku_preset.py) choosing the
 *   project, the ref, cpu, memory, GPUs and the interface (`/lab`, `/rstudio`).
 * - An init container that clones into the server's working directory, and a preStop
 *   hook that pushes uncommitted work to `renku/autosave/<user>/<ref>` (renku_git.py).
 *   Both ask the hub for the user's GitLab token with the server's own JupyterHub
 *   token, so the token is in no pod spec, ConfigMap or Secret. For that, users and
 *   their servers may read their own auth state (`admin:auth_state!user`), nothing more.
 * - Git is the persistence: by default no home volume.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PodPlacement } from "../cluster/scheduling";
import { authStateValues, AUTH_STATE_KEY_REF, type SecretKeyRef } from "./auth-state";
import type { LoginFragment } from "./openhexa";

/** The hub's side (extraConfig) and the pod's side (mounted in servers, inlined in the init container). */
export const RENKU_PRESET_PY = fs.readFileSync(path.join(__dirname, "renku_preset.py"), "utf8");
export const RENKU_GIT_PY = fs.readFileSync(path.join(__dirname, "renku_git.py"), "utf8");

export const RENKU_EXTRA_CONFIG_KEY = "hubfleet-30-renku-preset";
/** renku_preset.py reads its settings from the chart's `custom` values under this key. */
export const RENKU_CUSTOM_KEY = "hubfleetRenku";
/** Where servers find renku_git.py; renku_preset.py's GIT_SCRIPT_PATH says the same. */
export const GIT_SCRIPT_PATH = "/usr/local/share/hubfleet/renku_git.py";

/** Seconds a stopping server has for its preStop autosave (KubeSpawner's own default is 1). */
export const AUTOSAVE_GRACE_SECONDS = 30;

export const GITLAB_REPOSITORY_SCOPES = ["read_repository", "read_user", "write_repository"] as const;

export interface RenkuChoices {
  readonly cpu: readonly number[];
  readonly memory: readonly string[];
  readonly gpu: readonly number[];
  readonly defaultUrl: readonly string[];
}

/** The seed's server options: cpu 0.5 or 1, memory 1G or 2G, no GPU, JupyterLab. */
export const RENKU_DEFAULT_CHOICES: RenkuChoices = { cpu: [0.5, 1], memory: ["1G", "2G"], gpu: [0], defaultUrl: ["/lab"] };

/** Where GPU servers go: the cluster's `scheduling.gpu` as is. */
export type GpuPlacement = Pick<PodPlacement, "nodeSelector" | "tolerations">;

export interface RenkuPresetInput {
  /** The GitLab instance (the gitlab login's url). */
  readonly gitlabUrl: string;
  /** Whether the login checks GitLab groups (it then needs read_api too). */
  readonly checksGroups: boolean;
  readonly defaultRef?: string;
  /** Projects offered in the form; empty lets users type any project path they can read. */
  readonly projects?: readonly string[];
  readonly choices?: RenkuChoices;
  /** The image that clones (needs python3 and git; git-lfs for LFS): the notebook image by default. */
  readonly cloneImage: string;
  /** A home volume besides the clone; off by default (git is the persistence). */
  readonly homeVolume?: boolean;
  readonly autosave?: boolean;
  /** The clone's emptyDir size limit. */
  readonly repoSizeLimit?: string;
  /** Where GPU servers go (the cluster's GPU pool), when a GPU choice is above 0. */
  readonly gpuPlacement?: GpuPlacement;
  readonly cryptKey?: SecretKeyRef;
}

export function renkuPresetProblems(input: RenkuPresetInput): string[] {
  const problems: string[] = [];
  const choices = input.choices ?? RENKU_DEFAULT_CHOICES;
  if (!/^https:\/\/[^/]+\/?$/.test(input.gitlabUrl))
    problems.push(`gitlabUrl ${input.gitlabUrl} must be an https origin such as https://gitlab.com`);
  for (const [key, list] of Object.entries(choices) as [keyof RenkuChoices, readonly unknown[]][]) {
    if (list.length === 0) problems.push(`choices.${key} is empty: give at least one`);
  }
  if (choices.cpu.some((cpu) => !(cpu > 0))) problems.push("choices.cpu must be positive numbers of cores");
  if (choices.memory.some((m) => !/^[0-9]+(\.[0-9]+)?[KMGT]$/.test(m))) problems.push("choices.memory must be sizes such as 1G");
  if (choices.gpu.some((g) => !Number.isInteger(g) || g < 0)) problems.push("choices.gpu must be whole numbers from 0");
  if (choices.gpu.some((g) => g > 0) && !input.gpuPlacement) problems.push("choices.gpu offers GPUs, but the cluster has no GPU pool");
  if (choices.defaultUrl.some((u) => !u.startsWith("/"))) problems.push("choices.defaultUrl must be paths such as /lab or /rstudio");
  const projectPath = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$/;
  for (const project of input.projects ?? [])
    if (!projectPath.test(project)) problems.push(`project ${project} is not a GitLab path such as group/project`);
  return problems;
}

export function renkuPresetFragment(input: RenkuPresetInput): LoginFragment {
  const problems = renkuPresetProblems(input);
  if (problems.length > 0) throw new Error(`renku preset: ${problems.join("; ")}`);
  const choices = input.choices ?? RENKU_DEFAULT_CHOICES;
  const authState = authStateValues(input.cryptKey ?? AUTH_STATE_KEY_REF) as {
    hub: { extraEnv: Record<string, unknown>; extraConfig: Record<string, string> };
  };

  const settings = {
    gitlabUrl: input.gitlabUrl.replace(/\/$/, ""),
    defaultRef: input.defaultRef ?? "main",
    projects: [...(input.projects ?? [])],
    choices: { cpu: [...choices.cpu], memory: [...choices.memory], gpu: [...choices.gpu], defaultUrl: [...choices.defaultUrl] },
    cloneImage: input.cloneImage,
    podScript: RENKU_GIT_PY,
    autosave: input.autosave ?? true,
    repoSizeLimit: input.repoSizeLimit ?? "10Gi",
    ...(input.gpuPlacement
      ? {
          gpuPlacement: {
            nodeSelector: { ...input.gpuPlacement.nodeSelector },
            // KubeSpawner takes Kubernetes' own toleration objects; no undefined fields in values.
            tolerations: input.gpuPlacement.tolerations.map((t) => ({
              key: t.key,
              operator: t.operator,
              ...(t.value !== undefined ? { value: t.value } : {}),
              effect: t.effect,
            })),
          },
        }
      : {}),
  };

  const values = {
    hub: {
      extraEnv: authState.hub.extraEnv,
      extraConfig: { ...authState.hub.extraConfig, [RENKU_EXTRA_CONFIG_KEY]: RENKU_PRESET_PY },
      config: {
        JupyterHub: { allow_named_servers: true },
        Authenticator: { enable_auth_state: true, auto_login: true, refresh_pre_spawn: true },
        GitLabOAuthenticator: { scope: [...(input.checksGroups ? ["read_api"] : []), ...GITLAB_REPOSITORY_SCOPES] },
        KubeSpawner: { delete_grace_period: AUTOSAVE_GRACE_SECONDS },
      },
      loadRoles: {
        // Users, and their servers' tokens, may read their own auth state (their GitLab
        // token): the clone and the autosave ask the hub for it.
        user: { scopes: ["self", "admin:auth_state!user"] },
        server: { scopes: ["users:activity!user", "access:servers!user", "read:users:name!user", "admin:auth_state!user"] },
      },
    },
    custom: { [RENKU_CUSTOM_KEY]: settings },
    singleuser: {
      defaultUrl: choices.defaultUrl[0],
      ...(input.homeVolume ? {} : { storage: { type: "none" } }),
      extraFiles: { "hubfleet-renku-git": { mountPath: GIT_SCRIPT_PATH, stringData: RENKU_GIT_PY, mode: 0o444 } },
    },
  };
  return { values, keepsTenantNotebookEnv: true };
}
