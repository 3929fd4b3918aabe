# hubfleet's Renku-style preset, from JupyterHub and KubeSpawner features alone:
# GitLab login (oauthenticator, auth state kept and encrypted), named servers, a spawn
# form choosing a project, a ref and the server's size, an init container cloning the
# project into the server, and a preStop hook pushing uncommitted work to
# renku/autosave/<user>/<ref> when the server stops.
#
# The hub runs this file as a z2jh `hub.extraConfig` entry. Its settings come from the
# chart's `custom.hubfleetRenku` values (components/hub/renku.ts writes them), the
# in-pod git program (renku_git.py) among them.
#
# The token: nothing here ever reads it. The init container and the preStop hook ask
# the hub for it with the server's own JupyterHub token (see renku_git.py), so it is
# in no pod spec, ConfigMap or Secret. The hub grants servers that one extra scope,
# admin:auth_state of their own user (hub.loadRoles in renku.ts).
#
# Everything but the last lines is plain Python, importable without JupyterHub or
# KubeSpawner, so that the tests run the very functions the hub runs.
import hashlib
import html
import re

AUTOSAVE_PREFIX = "renku/autosave"
CLONE_CONTAINER = "git-clone"
REPO_VOLUME = "hubfleet-repo"
# Where the notebook container finds renku_git.py (singleuser.extraFiles in renku.ts).
GIT_SCRIPT_PATH = "/usr/local/share/hubfleet/renku_git.py"
HOME = "/home/jovyan"

_PROJECT_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*){1,19}$")
_COMMIT_SHA = re.compile(r"^[0-9a-f]{7,40}$")
_UNSAFE_IN_REF = re.compile(r"[^A-Za-z0-9._-]+")


class OptionsError(ValueError):
    """A spawn request the preset refuses, with a message for the user."""


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def ref_component(text):
    """One component of a git ref name: what `git check-ref-format` accepts, readable."""
    component = _UNSAFE_IN_REF.sub("-", text)
    component = re.sub(r"\.{2,}", ".", component)
    component = component.lstrip(".-")
    while component.endswith(".lock") or component.endswith("."):
        component = component[: -len(".lock")] if component.endswith(".lock") else component[:-1]
    return component[:100] or "_"


def autosave_branch(user, ref):
    """renku/autosave/<user>/<ref>, each part made a valid ref component; a ref's own / kept."""
    ref_parts = [ref_component(part) for part in ref.split("/") if part != ""] or ["_"]
    return "/".join([AUTOSAVE_PREFIX, ref_component(user), *ref_parts])


def valid_ref(ref):
    """A branch or tag name git accepts, or a commit sha."""
    if not isinstance(ref, str) or ref == "" or len(ref) > 255:
        return False
    if _COMMIT_SHA.match(ref):
        return True
    if ref.startswith(("-", "/")) or ref.endswith(("/", ".", ".lock")) or ".." in ref or "//" in ref or "@{" in ref or ref == "@":
        return False
    if any(part.startswith(".") or part.endswith(".lock") for part in ref.split("/")):
        return False
    return all(ch.isalnum() or ch in "._-/+" for ch in ref)


def valid_project(path):
    """A GitLab project path: namespace(s)/project."""
    return isinstance(path, str) and bool(_PROJECT_PATH.match(path)) and ".." not in path and not path.endswith((".git", ".atom"))


def repository_url(gitlab_url, project):
    return f"{gitlab_url.rstrip('/')}/{project}.git"


def server_name_for(project, ref):
    """A named server per project and ref: readable, lowercase, unique by a short hash."""
    readable = re.sub(r"[^a-z0-9]+", "-", f"{project.rsplit('/', 1)[-1]}-{ref}".lower()).strip("-")[:40].rstrip("-")
    digest = hashlib.sha256(f"{project}\n{ref}".encode()).hexdigest()[:8]
    return f"{readable}-{digest}"


def repo_dir_for(project):
    return f"{HOME}/work/{project.rsplit('/', 1)[-1]}"


# ---------------------------------------------------------------------------
# The spawn form and its options
# ---------------------------------------------------------------------------


def _select(name, label, choices, default):
    options = "".join(
        f'<option value="{html.escape(str(value))}"{" selected" if value == default else ""}>{html.escape(str(value))}</option>'
        for value in choices
    )
    return f'<label for="{name}">{html.escape(label)}</label><select class="form-control" id="{name}" name="{name}">{options}</select>'


def options_form_html(settings):
    """The form JupyterHub shows before a spawn: project, ref, size, interface, LFS."""
    choices = settings["choices"]
    projects = settings.get("projects") or []
    project_field = (
        _select("project", "GitLab project", projects, projects[0])
        if projects
        else '<label for="project">GitLab project (group/project)</label>'
        '<input class="form-control" id="project" name="project" required pattern="[A-Za-z0-9_][A-Za-z0-9_./-]*/[A-Za-z0-9_./-]+">'
    )
    return "\n".join(
        [
            f'<div class="form-group">{project_field}</div>',
            '<div class="form-group"><label for="ref">Branch, tag or commit</label>'
            f'<input class="form-control" id="ref" name="ref" value="{html.escape(settings["defaultRef"])}" required></div>',
            f'<div class="form-group">{_select("cpu", "CPUs", choices["cpu"], choices["cpu"][0])}</div>',
            f'<div class="form-group">{_select("memory", "Memory", choices["memory"], choices["memory"][0])}</div>',
            f'<div class="form-group">{_select("gpu", "GPUs", choices["gpu"], choices["gpu"][0])}</div>',
            f'<div class="form-group">{_select("default_url", "Interface", choices["defaultUrl"], choices["defaultUrl"][0])}</div>',
            '<div class="form-check"><input class="form-check-input" type="checkbox" id="lfs" name="lfs" value="1">'
            '<label class="form-check-label" for="lfs">Fetch Git LFS files</label></div>',
        ]
    )


def _first(formdata, key, default=None):
    value = formdata.get(key)
    if isinstance(value, list):
        return value[0] if value else default
    return value if value is not None else default


def options_from_form(formdata, settings):
    """JupyterHub's form data (lists of strings) as validated user options."""
    choices = settings["choices"]
    raw = {
        "project": (_first(formdata, "project", "") or "").strip(),
        "ref": (_first(formdata, "ref", settings["defaultRef"]) or "").strip(),
        "cpu": _first(formdata, "cpu", str(choices["cpu"][0])),
        "memory": _first(formdata, "memory", choices["memory"][0]),
        "gpu": _first(formdata, "gpu", str(choices["gpu"][0])),
        "default_url": _first(formdata, "default_url", choices["defaultUrl"][0]),
        "lfs": _first(formdata, "lfs", "") in ("1", "on", "true"),
    }
    try:
        raw["cpu"] = float(raw["cpu"])
        raw["gpu"] = int(raw["gpu"])
    except (TypeError, ValueError):
        raise OptionsError("cpu and gpu must be numbers") from None
    return validate_user_options(raw, settings)


def validate_user_options(options, settings):
    """The same rules for the form and for API spawns (whose JSON the user writes)."""
    choices = settings["choices"]
    options = dict(options or {})
    project = options.get("project") or ""
    if project == "":
        raise OptionsError("choose a GitLab project")
    if not valid_project(project):
        raise OptionsError(f"{project!r} is not a GitLab project path such as group/project")
    if settings.get("projects") and project not in settings["projects"]:
        raise OptionsError(f"{project} is not among this hub's projects")
    ref = options.get("ref") or settings["defaultRef"]
    if not valid_ref(ref):
        raise OptionsError(f"{ref!r} is not a branch, tag or commit")
    checks = [("cpu", "cpu"), ("memory", "memory"), ("gpu", "gpu"), ("default_url", "defaultUrl")]
    clean = {"project": project, "ref": ref, "lfs": bool(options.get("lfs", False))}
    for key, choice_key in checks:
        value = options.get(key, choices[choice_key][0])
        if value not in choices[choice_key]:
            raise OptionsError(f"{key} {value!r} is not one of {choices[choice_key]}")
        clean[key] = value
    return clean


# ---------------------------------------------------------------------------
# What the spawner gets
# ---------------------------------------------------------------------------

RESTRICTED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def git_identity(auth_state, username):
    """Author name and e-mail for autosave commits, from GitLab's user record in auth state."""
    gitlab_user = (auth_state or {}).get("gitlab_user") or {}
    name = gitlab_user.get("name") or username
    email = gitlab_user.get("public_email") or gitlab_user.get("email") or f"{username}@users.noreply.invalid"
    return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}


def git_env(options, settings, username, identity=None):
    """The non-secret variables both the clone and the autosave read."""
    project, ref = options["project"], options["ref"]
    return {
        **(identity or {}),
        "HUBFLEET_REPOSITORY_URL": repository_url(settings["gitlabUrl"], project),
        "HUBFLEET_REF": ref,
        "HUBFLEET_REPO_DIR": repo_dir_for(project),
        "HUBFLEET_AUTOSAVE_BRANCH": autosave_branch(username, ref),
        "HUBFLEET_LFS": "1" if options["lfs"] else "0",
        "HUBFLEET_AUTOSAVE": "1" if settings.get("autosave", True) else "0",
        "HUBFLEET_GIT_SCRIPT": GIT_SCRIPT_PATH,
        # The names Renku's servers had, for notebooks that read them.
        "CI_PROJECT_PATH": project,
        "CI_REF_NAME": ref,
        "CI_REPOSITORY_URL": repository_url(settings["gitlabUrl"], project),
        "GITLAB_URL": settings["gitlabUrl"],
    }


def clone_container(options, settings, username, hub_env, identity=None):
    """The init container: the notebook image's python3 and git run renku_git.py's clone."""
    env = dict(git_env(options, settings, username, identity))
    # JupyterHub's own server token and API address (KubeSpawner already puts them in the
    # notebook container): the clone asks the hub for the GitLab token with them.
    for name in ("JUPYTERHUB_API_URL", "JUPYTERHUB_API_TOKEN", "JUPYTERHUB_USER"):
        if name in hub_env:
            env[name] = hub_env[name]
    return {
        "name": CLONE_CONTAINER,
        "image": settings["cloneImage"],
        "command": ["python3", "-c", settings["podScript"], "clone"],
        "env": [{"name": name, "value": value} for name, value in sorted(env.items())],
        "volumeMounts": [{"name": REPO_VOLUME, "mountPath": f"{HOME}/work"}],
        "securityContext": dict(RESTRICTED_CONTAINER, runAsUser=1000, runAsGroup=100),
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
    }


def spawner_overrides(options, settings, username, hub_env, identity=None):
    """KubeSpawner attributes for one server, from its validated options."""
    gpus = options["gpu"]
    overrides = {
        "cpu_guarantee": options["cpu"],
        "cpu_limit": options["cpu"],
        "mem_guarantee": options["memory"],
        "mem_limit": options["memory"],
        "default_url": options["default_url"],
        "notebook_dir": repo_dir_for(options["project"]),
        "environment_update": git_env(options, settings, username, identity),
        "init_containers_append": [clone_container(options, settings, username, hub_env, identity)],
        "volumes_append": [{"name": REPO_VOLUME, "emptyDir": {"sizeLimit": settings.get("repoSizeLimit", "10Gi")}}],
        "volume_mounts_append": [{"name": REPO_VOLUME, "mountPath": f"{HOME}/work"}],
        "lifecycle_hooks_update": {"preStop": {"exec": {"command": ["python3", GIT_SCRIPT_PATH, "autosave"]}}},
    }
    if gpus > 0:
        gpu = settings.get("gpuPlacement") or {}
        overrides["extra_resource_limits"] = {"nvidia.com/gpu": str(gpus)}
        overrides["node_selector_update"] = dict(gpu.get("nodeSelector", {}))
        overrides["tolerations_append"] = list(gpu.get("tolerations", []))
    return overrides


def _with_items(current, items):
    """`items` added once to a KubeSpawner list-or-dict trait (z2jh writes volumes as dicts keyed by name;
    KubeSpawner orders dict values by key)."""
    if isinstance(current, dict):
        added = {f"hubfleet-{item.get('name') or item.get('key') or index}": item for index, item in enumerate(items)}
        return {**current, **added}
    # A named item replaces its namesake from an earlier spawn of the same server (its env changes).
    names = {item.get("name") for item in items if item.get("name")}
    current = [item for item in (current or []) if not (item.get("name") and item.get("name") in names)]
    return current + [item for item in items if item not in current]


def apply_overrides(spawner, overrides):
    """Sets the overrides on a spawner: `_update` merges into a dict, `_append` adds once to a list or dict."""
    for key, value in overrides.items():
        if key.endswith("_update"):
            name = key[: -len("_update")]
            setattr(spawner, name, {**(getattr(spawner, name) or {}), **value})
        elif key.endswith("_append"):
            name = key[: -len("_append")]
            setattr(spawner, name, _with_items(getattr(spawner, name), value))
        else:
            setattr(spawner, key, value)


async def pre_spawn(spawner, settings):
    """The pre_spawn_hook: validate the options again (API spawns skip the form), then apply them."""
    options = validate_user_options(spawner.user_options, settings)
    spawner.user_options = options
    username = spawner.user.name
    identity = git_identity(await spawner.user.get_auth_state(), username)
    # The server's own JupyterHub token and the hub's API address, as KubeSpawner gives them to the server.
    hub_env = {"JUPYTERHUB_API_URL": spawner.hub.api_url, "JUPYTERHUB_API_TOKEN": spawner.api_token, "JUPYTERHUB_USER": username}
    apply_overrides(spawner, spawner_overrides(options, settings, username, hub_env, identity))


# ---------------------------------------------------------------------------
# Inside the hub
# ---------------------------------------------------------------------------

if "c" in globals():
    from z2jh import get_config  # noqa: E402 (the chart's helper module, on the hub's path)

    _settings = get_config("custom.hubfleetRenku")

    def _options_form(spawner):
        return options_form_html(_settings)

    def _options_from_form(formdata):
        return options_from_form(formdata, _settings)

    async def _pre_spawn_hook(spawner):
        await pre_spawn(spawner, _settings)

    c.KubeSpawner.options_form = _options_form  # noqa: F821
    c.KubeSpawner.options_from_form = _options_from_form  # noqa: F821
    c.KubeSpawner.pre_spawn_hook = _pre_spawn_hook  # noqa: F821
