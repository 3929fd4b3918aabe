# hubfleet's Renku-style git steps, run inside a user's pod (python3 of the notebook image):
#
#   clone       the init container: clone the chosen project into the server's working
#               directory at the chosen ref, restore the user's autosave if there is one,
#               fetch LFS objects when asked;
#   autosave    the notebook container's preStop hook: commit uncommitted work and push it,
#               with unpushed commits, to renku/autosave/<user>/<ref>;
#   credential  git's credential helper inside the server (`git push` by the user).
#
# The user's GitLab token is never written anywhere: each run asks the hub for it
# (GET <hub API>/users/<user> with the server's own JupyterHub token; the hub refreshes
# an expired GitLab token on that request), and hands it to git only through a
# credential helper that reads it from the git process's environment. It is not in
# the pod spec, a ConfigMap, a Secret, a command line, a URL or .git/config.
#
# Settings come from the environment (non-secret, set by the hub's pre-spawn hook):
# HUBFLEET_REPOSITORY_URL, HUBFLEET_REF, HUBFLEET_REPO_DIR, HUBFLEET_AUTOSAVE_BRANCH,
# HUBFLEET_LFS (1/0), HUBFLEET_AUTOSAVE (1/0), and JupyterHub's JUPYTERHUB_API_URL,
# JUPYTERHUB_API_TOKEN, JUPYTERHUB_USER.
import json
import os
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request

AUTOSAVE_MARKER = "hubfleet autosave"
TOKEN_ENV = "HUBFLEET_GIT_TOKEN"
# git's credential helper: print the token from its own environment, never from a file.
CREDENTIAL_HELPER = '!f() { test "$1" = get && printf "username=oauth2\\npassword=%s\\n" "$' + TOKEN_ENV + '"; }; f'


class GitStepError(Exception):
    pass


def token_from_user_model(model):
    """The GitLab access token in the hub's user model (auth_state of GitLabOAuthenticator)."""
    state = (model or {}).get("auth_state") or {}
    token = state.get("access_token")
    if not isinstance(token, str) or token == "":
        raise GitStepError("the hub returned no GitLab token: is auth state enabled and may the server token read it?")
    return token


def hub_user_url(api_url, user):
    return f"{api_url.rstrip('/')}/users/{urllib.parse.quote(user, safe='')}"


def fetch_token(env, timeout=20):
    """Asks the hub for the user's current GitLab token."""
    request = urllib.request.Request(
        hub_user_url(env["JUPYTERHUB_API_URL"], env["JUPYTERHUB_USER"]),
        headers={"Authorization": f"token {env['JUPYTERHUB_API_TOKEN']}", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the hub's own URL)
        return token_from_user_model(json.load(response))


def git_env(base_env, token):
    """The environment of every git process: credentials from the helper, never prompted for."""
    env = {k: v for k, v in base_env.items() if k != "JUPYTERHUB_API_TOKEN"}
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_LFS_SKIP_SMUDGE"] = "1"
    if token:
        env[TOKEN_ENV] = token
    return env


def git(repo_dir, *args):
    """A git command line with the credential helper; `repo_dir` None for commands outside a repository."""
    prefix = ["git", "-c", "credential.helper=", "-c", f"credential.helper={CREDENTIAL_HELPER}"]
    return prefix + (["-C", repo_dir] if repo_dir else []) + list(args)


def checkout_plan(ref, repo_dir, restore, ref_is_branch, lfs):
    """After the clone (and the autosave's fetch): put `ref`, or the fetched autosave, in the working tree."""
    if restore:
        steps = [git(repo_dir, "checkout", "-B", ref, "FETCH_HEAD") if ref_is_branch else git(repo_dir, "checkout", "--detach", "FETCH_HEAD")]
        if ref_is_branch:
            steps.append(git(repo_dir, "branch", "--set-upstream-to", f"origin/{ref}", ref))
    else:
        steps = [git(repo_dir, "checkout", ref)]
    if lfs:
        steps.append(git(repo_dir, "lfs", "pull"))
    return steps


def clone_plan(repository_url, ref, repo_dir, autosave_branch, autosave_exists, ref_is_branch, lfs):
    """The git commands that put the project at `ref` (or at the user's autosave) into `repo_dir`."""
    steps = [git(None, "clone", "--no-checkout", "--", repository_url, repo_dir)]
    if autosave_exists:
        steps.append(git(repo_dir, "fetch", "origin", f"refs/heads/{autosave_branch}"))
    return steps + checkout_plan(ref, repo_dir, autosave_exists, ref_is_branch, lfs)


def run(command, env, check=True):
    result = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and result.returncode != 0:
        # Commands hold no token (it is in the environment only), so they may be shown.
        raise GitStepError(f"{' '.join(command[5:])} failed: {result.stderr.strip()}")
    return result


def remote_has_branch(repository_url, branch, env):
    result = run(git(None, "ls-remote", "--exit-code", "--heads", repository_url, f"refs/heads/{branch}"), env, check=False)
    return result.returncode == 0


def clone(env, token):
    settings = read_settings(env)
    genv = git_env(env, token)
    url, ref, repo_dir = settings["repository_url"], settings["ref"], settings["repo_dir"]
    if os.path.isdir(os.path.join(repo_dir, ".git")):
        return "kept the existing clone"
    autosave_exists = remote_has_branch(url, settings["autosave_branch"], genv)
    ref_is_branch = remote_has_branch(url, ref, genv)
    lfs = settings["lfs"] and shutil.which("git-lfs") is not None
    run(git(None, "clone", "--no-checkout", "--", url, repo_dir), genv)
    restore, note = autosave_exists, ""
    if autosave_exists:
        run(git(repo_dir, "fetch", "origin", f"refs/heads/{settings['autosave_branch']}"), genv)
        # A branch that moved on since the autosave (the user pushed later work) wins: the
        # autosave stays on the remote, untouched, for the user to look at.
        if ref_is_branch and run(git(repo_dir, "merge-base", "--is-ancestor", f"origin/{ref}", "FETCH_HEAD"), genv, check=False).returncode != 0:
            restore, note = False, f" (the autosave is older than {ref}: left on {settings['autosave_branch']}, not restored)"
    for step in checkout_plan(ref, repo_dir, restore, ref_is_branch, lfs):
        run(step, genv)
    if restore:
        message = run(git(repo_dir, "log", "-1", "--format=%s"), genv).stdout.strip()
        # The autosave's own commit becomes uncommitted work again; the user's commits stay commits.
        if message.startswith(AUTOSAVE_MARKER):
            run(git(repo_dir, "reset", "--mixed", "HEAD~1"), genv)
    # The user's own pushes ask the hub for the token through this script.
    helper = f"!python3 {settings['script_path']} credential" if settings["script_path"] else ""
    if helper:
        run(git(repo_dir, "config", "credential.helper", helper), genv)
    if settings["lfs"] and not lfs:
        note += " (git-lfs is not in the image: LFS files left as pointers)"
    return ("restored the autosave" if restore else f"checked out {ref}") + note


def needs_autosave(status_porcelain, unpushed_count):
    """Uncommitted changes, or commits that no remote branch has."""
    return status_porcelain.strip() != "" or unpushed_count > 0


def autosave(env, token_getter):
    settings = read_settings(env)
    repo_dir = settings["repo_dir"]
    if not settings["autosave"] or not os.path.isdir(os.path.join(repo_dir, ".git")):
        return "nothing to save"
    genv = git_env(env, None)
    status = run(git(repo_dir, "status", "--porcelain"), genv).stdout
    unpushed = int(run(git(repo_dir, "rev-list", "--count", "HEAD", "--not", "--remotes", "--tags"), genv).stdout.strip() or 0)
    if not needs_autosave(status, unpushed):
        return "nothing to save"
    if status.strip():
        run(git(repo_dir, "add", "--all"), genv)
        run(git(repo_dir, "commit", "--no-verify", "--quiet", "-m", f"{AUTOSAVE_MARKER} of uncommitted work"), genv)
    genv = git_env(env, token_getter())
    run(git(repo_dir, "push", "--force", "--quiet", "origin", f"HEAD:refs/heads/{settings['autosave_branch']}"), genv)
    return f"saved to {settings['autosave_branch']}"


def credential(env, stdin, stdout):
    """git credential helper protocol: answer `get` for the repository's host."""
    if len(sys.argv) > 2 and sys.argv[2] != "get":
        return
    stdin.read()
    stdout.write(f"username=oauth2\npassword={fetch_token(env)}\n")


def read_settings(env):
    return {
        "repository_url": env.get("HUBFLEET_REPOSITORY_URL", ""),
        "ref": env.get("HUBFLEET_REF", ""),
        "repo_dir": env.get("HUBFLEET_REPO_DIR", ""),
        "autosave_branch": env.get("HUBFLEET_AUTOSAVE_BRANCH", ""),
        "lfs": env.get("HUBFLEET_LFS") == "1",
        "autosave": env.get("HUBFLEET_AUTOSAVE", "1") == "1",
        "script_path": env.get("HUBFLEET_GIT_SCRIPT", ""),
    }


def main(argv, env):
    command = argv[1] if len(argv) > 1 else ""
    if command == "credential":
        credential(env, sys.stdin, sys.stdout)
        return 0
    try:
        if command == "clone":
            print(clone(env, fetch_token(env)))
        elif command == "autosave":
            print(autosave(env, lambda: fetch_token(env)))
        else:
            print("usage: renku_git.py clone|autosave|credential", file=sys.stderr)
            return 2
    except (GitStepError, OSError, KeyError, ValueError) as error:
        print(f"hubfleet {command}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv, dict(os.environ)))
