import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { dedicatedPoolScheduling } from "../components/cluster/scheduling";
import { RENKU_DEFAULT_CHOICES, renkuPresetFragment, renkuPresetProblems, type RenkuPresetInput } from "../components/hub/renku";
import { chartFilesPresent, chartSchemaErrors, SKIP_REASON } from "./support/chart-schema";
import { DEBIAN_PYTHON } from "./support/python-unittest";

const get = (values: unknown, keyPath: string): unknown =>
  keyPath.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);

const INPUT: RenkuPresetInput = {
  gitlabUrl: "https://gitlab.example.org/",
  checksGroups: false,
  cloneImage: "quay.io/jupyter/scipy-notebook:2025-10-20",
};
const hubFile = (name: string) => fs.readFileSync(path.resolve(__dirname, "..", "components", "hub", name), "utf8");

describe("the Renku-style preset's hub values", () => {
  const { values, keepsTenantNotebookEnv } = renkuPresetFragment(INPUT);

  it("asks GitLab for enough to log in, clone and push the autosave, and no more", () => {
    expect(get(values, "hub.config.GitLabOAuthenticator.scope")).toEqual(["read_repository", "read_user", "write_repository"]);
    const withGroups = renkuPresetFragment({ ...INPUT, checksGroups: true }).values;
    expect(get(withGroups, "hub.config.GitLabOAuthenticator.scope")).toEqual([
      "read_api",
      "read_repository",
      "read_user",
      "write_repository",
    ]);
    expect(JSON.stringify(values)).not.toMatch(/"api"/);
  });

  it("keeps auth state encrypted and fresh at each spawn, and runs named servers", () => {
    expect(get(values, "hub.extraEnv.JUPYTERHUB_CRYPT_KEY")).toEqual({
      valueFrom: { secretKeyRef: { name: "hubfleet-auth-state-key", key: "crypt-key" } },
    });
    expect(get(values, "hub.config.Authenticator")).toEqual({ enable_auth_state: true, auto_login: true, refresh_pre_spawn: true });
    expect(Object.keys(get(values, "hub.extraConfig") as object)).toEqual(["hubfleet-05-auth-state-key", "hubfleet-30-renku-preset"]);
    expect(get(values, "hub.config.JupyterHub.allow_named_servers")).toBe(true);
  });

  it("lets a server read its own user's auth state, the only scope added to the defaults", () => {
    expect(get(values, "hub.loadRoles.server.scopes")).toEqual([
      "users:activity!user",
      "access:servers!user",
      "read:users:name!user",
      "admin:auth_state!user",
    ]);
    expect(get(values, "hub.loadRoles.user.scopes")).toEqual(["self", "admin:auth_state!user"]);
  });

  it("gives the stopping server time for its autosave", () => {
    expect(get(values, "hub.config.KubeSpawner.delete_grace_period")).toBe(30);
  });

  it("runs the hook file the Python tests test, and gives servers the git program", () => {
    expect(get(values, "hub.extraConfig.hubfleet-30-renku-preset")).toBe(hubFile("renku_preset.py"));
    expect(get(values, "singleuser.extraFiles.hubfleet-renku-git")).toEqual({
      mountPath: "/usr/local/share/hubfleet/renku_git.py",
      stringData: hubFile("renku_git.py"),
      mode: 0o444,
    });
    expect(hubFile("renku_preset.py")).toContain('GIT_SCRIPT_PATH = "/usr/local/share/hubfleet/renku_git.py"');
    expect(get(values, "custom.hubfleetRenku.podScript")).toBe(hubFile("renku_git.py"));
  });

  it("offers the seed's server options by default, and no home volume", () => {
    expect(get(values, "custom.hubfleetRenku")).toMatchObject({
      gitlabUrl: "https://gitlab.example.org",
      defaultRef: "main",
      choices: { cpu: [0.5, 1], memory: ["1G", "2G"], gpu: [0], defaultUrl: ["/lab"] },
      autosave: true,
    });
    expect(get(values, "singleuser.storage")).toEqual({ type: "none" });
    expect(get(renkuPresetFragment({ ...INPUT, homeVolume: true }).values, "singleuser.storage")).toBeUndefined();
    expect(get(values, "singleuser.defaultUrl")).toBe("/lab");
    expect(keepsTenantNotebookEnv).toBe(true);
  });

  it("holds no secret: only Secret references", () => {
    const text = JSON.stringify(values);
    expect(text).not.toMatch(/glpat-|client_secret|access_token"\s*:/);
  });

  it("refuses choices the hub cannot honour", () => {
    expect(renkuPresetProblems({ ...INPUT, gitlabUrl: "http://gitlab.example.org" })).toHaveLength(1);
    expect(renkuPresetProblems({ ...INPUT, choices: { cpu: [], memory: ["1G"], gpu: [0], defaultUrl: ["/lab"] } })).toHaveLength(1);
    expect(renkuPresetProblems({ ...INPUT, choices: { cpu: [1], memory: ["1GB"], gpu: [1], defaultUrl: ["lab"] } })).toHaveLength(3);
    expect(renkuPresetProblems({ ...INPUT, projects: ["justaproject"] })).toHaveLength(1);
    expect(() => renkuPresetFragment({ ...INPUT, gitlabUrl: "gitlab.example.org" })).toThrow(/https origin/);
  });

  it("hands the hook settings it can read: the hub's own config runs the form and the spawn with them", () => {
    // renku_preset.py as the chart runs it: `c` in its globals, z2jh's get_config answering `custom`.
    const driver = `
import json, sys, types, asyncio
from traitlets.config import Config
settings = json.load(sys.stdin)
z2jh = types.ModuleType("z2jh")
z2jh.get_config = lambda key: settings if key == "custom.hubfleetRenku" else None
sys.modules["z2jh"] = z2jh
c = Config()
exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), {"c": c, "__name__": "hubconfig"})
form = c.KubeSpawner.options_form(None)
options = c.KubeSpawner.options_from_form({"project": ["geo/floods"], "ref": ["dev"], "memory": ["2G"]})
class User:
    name = "ada"
    async def get_auth_state(self): return {}
class Hub: api_url = "http://hub:8081/hub/api"
class Spawner:
    user_options = options; user = User(); hub = Hub(); api_token = "t"; environment = {}; volumes = {}; volume_mounts = {}; node_selector = {}; tolerations = []; init_containers = []; lifecycle_hooks = {}
spawner = Spawner()
asyncio.run(c.KubeSpawner.pre_spawn_hook(spawner))
print(json.dumps({"form": form, "options": options, "image": spawner.init_containers[0]["image"], "memory": spawner.mem_limit, "url": spawner.environment["HUBFLEET_REPOSITORY_URL"]}))
`;
    const result = spawnSync(DEBIAN_PYTHON, ["-c", driver, path.resolve(__dirname, "..", "components", "hub", "renku_preset.py")], {
      input: JSON.stringify(get(values, "custom.hubfleetRenku")),
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    const out = JSON.parse(result.stdout) as { form: string; options: Record<string, unknown>; image: string; memory: string; url: string };
    expect(out.form).toContain('name="project"');
    expect(out.options).toEqual({ project: "geo/floods", ref: "dev", cpu: 0.5, memory: "2G", gpu: 0, default_url: "/lab", lfs: false });
    expect(out).toMatchObject({ image: INPUT.cloneImage, memory: "2G", url: "https://gitlab.example.org/geo/floods.git" });
  });

  it("sends GPU servers where the cluster's GPU placement says", () => {
    const gpu = dedicatedPoolScheduling({ gpu: true }).gpu!;
    const settings = get(
      renkuPresetFragment({ ...INPUT, gpuPlacement: gpu, choices: { ...RENKU_DEFAULT_CHOICES, gpu: [0, 1] } }).values,
      "custom.hubfleetRenku",
    ) as { gpuPlacement: unknown };
    expect(settings.gpuPlacement).toEqual({ nodeSelector: { ...gpu.nodeSelector }, tolerations: gpu.tolerations.map((t) => ({ ...t })) });
    expect(renkuPresetProblems({ ...INPUT, choices: { ...RENKU_DEFAULT_CHOICES, gpu: [0, 1] } })).toEqual([
      "choices.gpu offers GPUs, but the cluster has no GPU pool",
    ]);
  });

  it.skipIf(!chartFilesPresent)(`passes the chart's schema (${chartFilesPresent ? "chart present" : SKIP_REASON})`, () => {
    expect(chartSchemaErrors(values)).toEqual([]);
    expect(
      chartSchemaErrors(
        renkuPresetFragment({
          ...INPUT,
          homeVolume: true,
          gpuPlacement: { nodeSelector: { a: "b" }, tolerations: [] },
          choices: { cpu: [1], memory: ["2G"], gpu: [0, 1], defaultUrl: ["/rstudio", "/lab"] },
        }).values,
      ),
    ).toEqual([]);
  });
});
