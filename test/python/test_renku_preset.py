"""The Renku-style preset's hub hooks (components/hub/renku_preset.py) and its in-pod git
program (components/hub/renku_git.py): names checked by git itself, the spawn form's rules,
what the spawner gets, and clone, autosave and restore run with real git against a local
origin, the token asked of a hub on loopback."""
import asyncio
import importlib.util
import json
import os
import random
import shutil
import subprocess
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
HUB_DIR = os.path.join(HERE, "..", "..", "components", "hub")


def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HUB_DIR, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


preset = load("renku_preset")
pod = load("renku_git")

SETTINGS = {
    "gitlabUrl": "https://gitlab.example.org",
    "defaultRef": "main",
    "projects": [],
    "choices": {"cpu": [0.5, 1.0, 2.0], "memory": ["1G", "2G", "4G"], "gpu": [0, 1], "defaultUrl": ["/lab", "/rstudio"]},
    "cloneImage": "quay.io/jupyter/scipy-notebook:2025-10-20",
    "podScript": "print('the pod script')",
    "gpuPlacement": {"nodeSelector": {"hubfleet.io/gpu": "true"}, "tolerations": [{"key": "hubfleet.io/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]},
}
GITLAB_TOKEN = "glpat-EXAMPLE-not-a-real-token"


def git_accepts_branch(name):
    return subprocess.run(["git", "check-ref-format", f"refs/heads/{name}"], capture_output=True).returncode == 0


def git_refuses_among(branches):
    """The branch names git refuses to create, asked in one transaction of one git process."""
    with tempfile.TemporaryDirectory() as repo:
        env = {"PATH": os.environ["PATH"], "HOME": repo, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
        subprocess.run(["git", "init", "--quiet", repo], check=True, env=env)
        subprocess.run(["git", "-C", repo, "commit", "--quiet", "--allow-empty", "-m", "x"], check=True, env=env)
        head = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True, check=True, env=env).stdout.strip()
        # Distinct leaves: a/b and a/b/c cannot both be branches, so each name gets its own prefix.
        commands = "".join(f"create refs/heads/case{index}/{name} {head}\n" for index, name in enumerate(branches))
        result = subprocess.run(["git", "-C", repo, "update-ref", "--stdin"], input=commands, capture_output=True, text=True, env=env)
        return [] if result.returncode == 0 else [result.stderr.strip()]


class Names(unittest.TestCase):
    def test_autosave_branches_read_as_the_seed_named_them(self):
        self.assertEqual(preset.autosave_branch("ada", "main"), "renku/autosave/ada/main")
        self.assertEqual(preset.autosave_branch("ada.l", "feature/maps"), "renku/autosave/ada.l/feature/maps")

    def test_every_autosave_branch_is_a_name_git_accepts(self):
        rng = random.Random(13)
        alphabet = "ab/._-@{}~^:?*[\\ é😀\t.lock"
        hostile = ["..", ".lock", "-x", "a..b", "x.lock", "@{u}", "a//b", "/lead", "trail/", ".hidden/x", "ü ber", "", "~1", "a^b", "a:b"]
        cases = [(u, r) for u in ("ada", ".ada", "a..b") for r in hostile]
        cases += [("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))), "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))) for _ in range(40)]
        branches = [preset.autosave_branch(user, ref) for user, ref in cases]
        for branch in branches:
            self.assertTrue(branch.startswith("renku/autosave/"), branch)
        self.assertEqual(git_refuses_among(branches), [])
        # The check itself refuses what git refuses.
        self.assertNotEqual(git_refuses_among(["renku/autosave/ada/a..b"]), [])

    def test_refs_are_accepted_as_git_would(self):
        for ref in ("main", "feature/maps", "v1.2.0", "0123abc", "release-2025.10"):
            with self.subTest(ref=ref):
                self.assertTrue(preset.valid_ref(ref))
                self.assertTrue(git_accepts_branch(ref) or preset._COMMIT_SHA.match(ref))
        for ref in ("", "-rf", "a..b", "x.lock", "a b", "@{u}", "a//b", "trail/", "$(id)", "a;b", "--upload-pack=x"):
            with self.subTest(ref=ref):
                self.assertFalse(preset.valid_ref(ref))

    def test_projects_are_gitlab_paths(self):
        for path in ("group/project", "g/sub/p-1", "Group_1/my.project"):
            self.assertTrue(preset.valid_project(path), path)
        for path in ("project", "../etc/passwd", "g/../p", "g/p.git", "-g/p", "g/p;rm", "g p/x", "https://x/y"):
            self.assertFalse(preset.valid_project(path), path)

    def test_server_names_are_short_stable_and_distinct(self):
        name = preset.server_name_for("geo/Flood Maps", "feature/2025")
        self.assertRegex(name, r"^[a-z0-9-]{1,49}$")
        self.assertEqual(name, preset.server_name_for("geo/Flood Maps", "feature/2025"))
        self.assertNotEqual(name, preset.server_name_for("geo/Flood Maps", "feature-2025"))


class SpawnForm(unittest.TestCase):
    def test_a_filled_form_becomes_validated_options(self):
        form = {"project": ["geo/floods"], "ref": ["dev"], "cpu": ["1.0"], "memory": ["2G"], "gpu": ["0"], "default_url": ["/rstudio"], "lfs": ["1"]}
        self.assertEqual(
            preset.options_from_form(form, SETTINGS),
            {"project": "geo/floods", "ref": "dev", "cpu": 1.0, "memory": "2G", "gpu": 0, "default_url": "/rstudio", "lfs": True},
        )

    def test_choices_outside_the_hubs_are_refused(self):
        base = {"project": ["geo/floods"], "ref": ["main"]}
        for extra in ({"cpu": ["64"]}, {"memory": ["1T"]}, {"gpu": ["4"]}, {"default_url": ["/admin"]}, {"cpu": ["lots"]}, {"ref": ["a..b"]}, {"project": [""]}):
            with self.subTest(extra=extra), self.assertRaises(preset.OptionsError):
                preset.options_from_form({**base, **extra}, SETTINGS)

    def test_api_spawns_obey_the_same_rules_and_keep_nothing_else(self):
        clean = preset.validate_user_options({"project": "geo/floods", "image": "evil/image", "cpu_limit": 64}, SETTINGS)
        self.assertEqual(clean, {"project": "geo/floods", "ref": "main", "lfs": False, "cpu": 0.5, "memory": "1G", "gpu": 0, "default_url": "/lab"})
        with self.assertRaises(preset.OptionsError):
            preset.validate_user_options({"project": "other/p"}, dict(SETTINGS, projects=["geo/floods"]))

    def test_the_form_escapes_what_it_shows(self):
        form = preset.options_form_html(dict(SETTINGS, defaultRef='"><script>x</script>', projects=["geo/<b>"]))
        self.assertNotIn("<script>", form)
        self.assertNotIn("<b>", form)
        for name in ("project", "ref", "cpu", "memory", "gpu", "default_url", "lfs"):
            self.assertIn(f'name="{name}"', form)


class FakeUser:
    name = "ada"

    async def get_auth_state(self):
        return {"access_token": GITLAB_TOKEN, "gitlab_user": {"name": "Ada Lovelace", "email": "ada@example.org"}}


class FakeHub:
    api_url = "http://hub:8081/hub/api/"


class FakeSpawner:
    def __init__(self, user_options):
        self.user_options = user_options
        self.user = FakeUser()
        self.hub = FakeHub()
        self.api_token = "jupyterhub-server-token"
        self.environment = {"KEEP": "1"}
        # As z2jh 4 configures KubeSpawner: volumes as dicts, tolerations and init containers as lists.
        self.volumes = {"home": {"name": "home"}}
        self.volume_mounts = {"00-home": {"name": "home", "mountPath": "/home/jovyan"}}
        self.node_selector = {"hub.jupyter.org/node-purpose": "user"}
        self.tolerations = [{"key": "hub.jupyter.org/dedicated", "operator": "Equal", "value": "user", "effect": "NoSchedule"}]
        self.init_containers = [{"name": "tenant-init"}]
        self.lifecycle_hooks = {"postStart": {"exec": {"command": ["true"]}}}


class WhatTheSpawnerGets(unittest.TestCase):
    def spawn(self, options):
        spawner = FakeSpawner(options)
        asyncio.run(preset.pre_spawn(spawner, SETTINGS))
        return spawner

    def test_the_gitlab_token_is_nowhere_in_the_server(self):
        spawner = self.spawn({"project": "geo/floods", "ref": "dev", "gpu": 1})
        self.assertNotIn(GITLAB_TOKEN, json.dumps({k: v for k, v in vars(spawner).items() if k not in ("user", "hub")}, default=str))

    def test_the_init_container_clones_with_python_and_restricted_rights(self):
        spawner = self.spawn({"project": "geo/floods", "ref": "dev"})
        tenant_init, init = spawner.init_containers
        self.assertEqual(tenant_init, {"name": "tenant-init"})
        self.assertEqual(init["command"], ["python3", "-c", SETTINGS["podScript"], "clone"])
        env = {e["name"]: e["value"] for e in init["env"]}
        self.assertEqual(env["HUBFLEET_REPOSITORY_URL"], "https://gitlab.example.org/geo/floods.git")
        self.assertEqual(env["HUBFLEET_AUTOSAVE_BRANCH"], "renku/autosave/ada/dev")
        self.assertEqual(env["GIT_AUTHOR_EMAIL"], "ada@example.org")
        self.assertEqual(env["JUPYTERHUB_USER"], "ada")
        self.assertEqual(init["securityContext"]["capabilities"], {"drop": ["ALL"]})
        self.assertIs(init["securityContext"]["allowPrivilegeEscalation"], False)
        self.assertEqual(init["volumeMounts"], [{"name": "hubfleet-repo", "mountPath": "/home/jovyan/work"}])

    def test_size_interface_autosave_and_gpu_follow_the_options(self):
        spawner = self.spawn({"project": "geo/floods", "cpu": 2.0, "memory": "4G", "gpu": 1, "default_url": "/rstudio"})
        self.assertEqual((spawner.cpu_guarantee, spawner.cpu_limit, spawner.mem_guarantee, spawner.mem_limit), (2.0, 2.0, "4G", "4G"))
        self.assertEqual(spawner.default_url, "/rstudio")
        self.assertEqual(spawner.notebook_dir, "/home/jovyan/work/floods")
        self.assertEqual(spawner.lifecycle_hooks["preStop"], {"exec": {"command": ["python3", "/usr/local/share/hubfleet/renku_git.py", "autosave"]}})
        self.assertIn("postStart", spawner.lifecycle_hooks)
        self.assertEqual(len(spawner.tolerations), 2)
        self.assertEqual(spawner.extra_resource_limits, {"nvidia.com/gpu": "1"})
        self.assertEqual(spawner.node_selector, {"hub.jupyter.org/node-purpose": "user", "hubfleet.io/gpu": "true"})
        self.assertEqual(spawner.environment["KEEP"], "1")
        self.assertEqual(spawner.environment["CI_REF_NAME"], "main")

    def test_a_second_spawn_of_the_same_server_adds_its_volume_and_clone_once(self):
        spawner = self.spawn({"project": "geo/floods"})
        spawner.api_token = "a-new-token-for-the-next-spawn"
        asyncio.run(preset.pre_spawn(spawner, SETTINGS))
        self.assertEqual(spawner.volumes, {"home": {"name": "home"}, "hubfleet-hubfleet-repo": {"name": "hubfleet-repo", "emptyDir": {"sizeLimit": "10Gi"}}})
        self.assertEqual([m["name"] for m in spawner.volume_mounts.values()], ["home", "hubfleet-repo"])
        self.assertEqual([c["name"] for c in spawner.init_containers], ["tenant-init", "git-clone"])

    def test_a_spawn_without_a_project_is_refused(self):
        with self.assertRaises(preset.OptionsError):
            self.spawn({})


class FakeHubApi(BaseHTTPRequestHandler):
    """GET /hub/api/users/<name>: the user model with auth_state, for the server's token only."""

    def do_GET(self):
        if self.headers.get("Authorization") != "token jupyterhub-server-token" or self.path != "/hub/api/users/ada":
            self.send_response(403)
            self.end_headers()
            return
        body = json.dumps({"name": "ada", "auth_state": {"access_token": GITLAB_TOKEN}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class TokenHandling(unittest.TestCase):
    def test_the_token_comes_from_the_hub_with_the_servers_own_token(self):
        server = ThreadingHTTPServer(("127.0.0.1", 0), FakeHubApi)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            env = {"JUPYTERHUB_API_URL": f"http://127.0.0.1:{server.server_address[1]}/hub/api", "JUPYTERHUB_USER": "ada", "JUPYTERHUB_API_TOKEN": "jupyterhub-server-token"}
            self.assertEqual(pod.fetch_token(env), GITLAB_TOKEN)
            with self.assertRaises(OSError):
                pod.fetch_token(dict(env, JUPYTERHUB_API_TOKEN="someone-else"))
        finally:
            server.shutdown()
            server.server_close()

    def test_a_model_without_auth_state_is_a_clear_error(self):
        with self.assertRaises(pod.GitStepError):
            pod.token_from_user_model({"name": "ada"})

    def test_git_gets_the_token_from_its_environment_only(self):
        steps = pod.clone_plan("https://gitlab.example.org/geo/floods.git", "main", "/w/floods", "renku/autosave/ada/main", True, True, True)
        self.assertNotIn(GITLAB_TOKEN, json.dumps(steps))
        env = pod.git_env({"PATH": os.environ["PATH"], "JUPYTERHUB_API_TOKEN": "x"}, GITLAB_TOKEN)
        self.assertNotIn("JUPYTERHUB_API_TOKEN", env)
        answer = subprocess.run(
            pod.git(None, "credential", "fill"), input="protocol=https\nhost=gitlab.example.org\n\n", env=env, capture_output=True, text=True, check=True
        ).stdout
        self.assertIn("username=oauth2\n", answer)
        self.assertIn(f"password={GITLAB_TOKEN}\n", answer)


def sh(*args, cwd=None, env=None):
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


class CloneAutosaveRestore(unittest.TestCase):
    """Real git: an origin with a project, two servers' lives one after the other."""

    @classmethod
    def setUpClass(cls):
        cls.template = tempfile.TemporaryDirectory()
        root = cls.template.name
        identity = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org", "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.org"}
        cls.identity_env = {"PATH": os.environ["PATH"], **identity}
        base = dict(cls.identity_env, HOME=root)
        origin = os.path.join(root, "origin.git")
        sh("git", "init", "--quiet", "--bare", "--initial-branch=main", origin, env=base)
        seed = os.path.join(root, "seed")
        sh("git", "clone", "--quiet", origin, seed, env=base)
        with open(os.path.join(seed, "analysis.py"), "w") as f:
            f.write("print('v1')\n")
        sh("git", "add", ".", cwd=seed, env=base)
        sh("git", "commit", "--quiet", "-m", "first", cwd=seed, env=base)
        sh("git", "tag", "v1", cwd=seed, env=base)
        sh("git", "push", "--quiet", "origin", "main", "v1", cwd=seed, env=base)

    @classmethod
    def tearDownClass(cls):
        cls.template.cleanup()

    def setUp(self):
        # Each test gets its own copy of the origin.
        self.tmp = tempfile.TemporaryDirectory()
        self.origin = os.path.join(self.tmp.name, "origin.git")
        shutil.copytree(os.path.join(self.template.name, "origin.git"), self.origin)
        self.base = dict(self.identity_env, HOME=self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def env(self, server, ref="main"):
        return {
            **self.base,
            "HUBFLEET_REPOSITORY_URL": f"file://{self.origin}",
            "HUBFLEET_REF": ref,
            "HUBFLEET_REPO_DIR": os.path.join(self.tmp.name, server, "floods"),
            "HUBFLEET_AUTOSAVE_BRANCH": preset.autosave_branch("ada", ref),
            "HUBFLEET_LFS": "0",
            "HUBFLEET_AUTOSAVE": "1",
            "HUBFLEET_GIT_SCRIPT": "/usr/local/share/hubfleet/renku_git.py",
        }

    def test_work_left_uncommitted_comes_back_in_the_next_server(self):
        first = self.env("server-1")
        self.assertEqual(pod.clone(first, GITLAB_TOKEN), "checked out main")
        repo = first["HUBFLEET_REPO_DIR"]
        self.assertEqual(sh("git", "branch", "--show-current", cwd=repo).strip(), "main")
        with open(os.path.join(repo, "analysis.py"), "a") as f:
            f.write("print('unsaved change')\n")
        with open(os.path.join(repo, "notes.md"), "w") as f:
            f.write("new file\n")

        self.assertEqual(pod.autosave(first, lambda: GITLAB_TOKEN), "saved to renku/autosave/ada/main")
        saved = sh("git", "--git-dir", self.origin, "show", "renku/autosave/ada/main:notes.md")
        self.assertEqual(saved, "new file\n")
        self.assertEqual(sh("git", "--git-dir", self.origin, "log", "-1", "--format=%s", "main").strip(), "first")

        second = self.env("server-2")
        self.assertEqual(pod.clone(second, GITLAB_TOKEN), "restored the autosave")
        repo2 = second["HUBFLEET_REPO_DIR"]
        status = sh("git", "status", "--porcelain", cwd=repo2)
        self.assertIn(" M analysis.py", status)
        self.assertIn("?? notes.md", status)
        self.assertEqual(sh("git", "branch", "--show-current", cwd=repo2).strip(), "main")
        self.assertEqual(sh("git", "rev-parse", "HEAD", cwd=repo2), sh("git", "--git-dir", self.origin, "rev-parse", "main"))

    def test_an_autosave_older_than_the_branch_is_kept_but_not_restored(self):
        first = self.env("server-1")
        pod.clone(first, GITLAB_TOKEN)
        with open(os.path.join(first["HUBFLEET_REPO_DIR"], "notes.md"), "w") as f:
            f.write("draft\n")
        pod.autosave(first, lambda: GITLAB_TOKEN)
        # Later work pushed to main from elsewhere.
        other = os.path.join(self.tmp.name, "other")
        sh("git", "clone", "--quiet", self.origin, other, env=self.base)
        with open(os.path.join(other, "analysis.py"), "w") as f:
            f.write("print('v2')\n")
        sh("git", "commit", "--quiet", "-am", "second", cwd=other, env=self.base)
        sh("git", "push", "--quiet", "origin", "main", cwd=other, env=self.base)

        second = self.env("server-2")
        self.assertEqual(pod.clone(second, GITLAB_TOKEN), "checked out main (the autosave is older than main: left on renku/autosave/ada/main, not restored)")
        self.assertEqual(sh("git", "status", "--porcelain", cwd=second["HUBFLEET_REPO_DIR"]), "")
        with open(os.path.join(second["HUBFLEET_REPO_DIR"], "analysis.py")) as f:
            self.assertEqual(f.read(), "print('v2')\n")
        self.assertEqual(sh("git", "--git-dir", self.origin, "show", "renku/autosave/ada/main:notes.md"), "draft\n")

    def test_nothing_is_pushed_when_nothing_changed_and_no_token_is_written(self):
        env = self.env("server-1", ref="v1")
        self.assertEqual(pod.clone(env, GITLAB_TOKEN), "checked out v1")
        self.assertEqual(pod.autosave(env, lambda: self.fail("no push, so no token needed")), "nothing to save")
        repo = env["HUBFLEET_REPO_DIR"]
        for directory, _, files in os.walk(os.path.join(repo, ".git")):
            for name in files:
                with open(os.path.join(directory, name), "rb") as f:
                    self.assertNotIn(GITLAB_TOKEN.encode(), f.read(), os.path.join(directory, name))
        self.assertEqual(sh("git", "config", "credential.helper", cwd=repo).strip(), "!python3 /usr/local/share/hubfleet/renku_git.py credential")

    def test_a_ref_that_does_not_exist_fails_the_clone(self):
        with self.assertRaises(pod.GitStepError):
            pod.clone(self.env("server-1", ref="no-such-branch"), GITLAB_TOKEN)


if __name__ == "__main__":
    unittest.main()
