# hubfleet's openhexa login: the hub trusts the OpenHexa App's session.
#
# The App and the hub share a parent domain, so the browser sends the App's
# session cookie to the hub too. At /hub/login (auto login) the hub POSTs that
# cookie to the App's credentials URL (APP_CREDENTIALS_URL; the App exempts this
# view from CSRF, so no token is needed) and gets back 200 {"username", "env"}
# for a live session, 401 otherwise. `env` is the user's environment: S3 bucket
# names and keys, database connection strings.
#
# What hubfleet does differently from the seed, and why:
# - the env is kept in auth_state, which JupyterHub encrypts with
#   JUPYTERHUB_CRYPT_KEY, instead of an attribute lost at every hub restart;
# - refresh_pre_spawn asks the App again before every spawn, so a server starts
#   with the credentials the App gives now; a browser request whose App session
#   has ended logs the user out of the hub too;
# - on Kubernetes the env reaches the server through a per-server Secret that the
#   hub creates before the pod and deletes after it (envFrom), never as literal
#   values in the pod spec.
#
# The HTTP exchange, the parsing and the Secret's manifest are plain functions,
# importable without JupyterHub, so that the tests run the very code the hub runs.
import json
import os
import re

APP_SESSION_COOKIE = "sessionid"
REQUEST_TIMEOUT_SECONDS = 10.0

# A cookie value we forward verbatim in a Cookie header: no separators, no CR/LF.
_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9!#$%&'*+\-.^_`|~:/=]{1,4096}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Set by JupyterHub and the spawner for the server itself: the App must not replace them.
_RESERVED_ENV_PREFIXES = ("JUPYTERHUB_", "JPY_")
_RESERVED_ENV_NAMES = frozenset({"JUPYTER_IMAGE", "JUPYTER_IMAGE_SPEC", "MEM_LIMIT", "MEM_GUARANTEE", "CPU_LIMIT", "CPU_GUARANTEE", "HOME", "PATH", "USER"})


class AppUnavailable(Exception):
    """The App could not be asked, or answered something that is not credentials."""


def usable_session_cookie(value):
    """The cookie value when it is safe to forward, else None."""
    if isinstance(value, str) and _COOKIE_VALUE.match(value):
        return value
    return None


def credentials_request(credentials_url, session_cookie, cookie_name=APP_SESSION_COOKIE):
    """Method, URL, headers and body of the POST to the App."""
    return {
        "method": "POST",
        "url": credentials_url,
        "headers": {"Cookie": f"{cookie_name}={session_cookie}", "Accept": "application/json"},
        "body": b"",
    }


def notebook_env(env):
    """The App's env as the server may receive it: string values under valid names, the hub's own names left out."""
    if not isinstance(env, dict):
        raise AppUnavailable("env is not an object")
    kept = {}
    for name, value in env.items():
        if not isinstance(name, str) or not _ENV_NAME.match(name):
            continue
        if name.startswith(_RESERVED_ENV_PREFIXES) or name in _RESERVED_ENV_NAMES:
            continue
        if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
            continue
        kept[name] = str(value)
    return dict(sorted(kept.items()))


def parse_credentials(status, body):
    """{"username", "env"} from the App's answer; None when the App says the session is not logged in."""
    if status in (401, 403):
        return None
    if status != 200:
        raise AppUnavailable(f"the App answered HTTP {status}")
    try:
        answer = json.loads(body)
    except (ValueError, TypeError) as error:
        raise AppUnavailable(f"the App's answer is not JSON: {error}") from None
    if not isinstance(answer, dict):
        raise AppUnavailable("the App's answer is not an object")
    username = answer.get("username")
    if not isinstance(username, str) or username.strip() == "":
        raise AppUnavailable("the App's answer has no username")
    return {"username": username, "env": notebook_env(answer.get("env", {}))}


async def fetch_app_credentials(credentials_url, session_cookie, timeout=REQUEST_TIMEOUT_SECONDS, cookie_name=APP_SESSION_COOKIE):
    """Asks the App who holds this session and with what env (tornado's client, off no thread)."""
    from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

    spec = credentials_request(credentials_url, session_cookie, cookie_name)
    request = HTTPRequest(
        spec["url"],
        method=spec["method"],
        headers=spec["headers"],
        body=spec["body"],
        request_timeout=timeout,
        connect_timeout=timeout,
        follow_redirects=False,
    )
    try:
        response = await AsyncHTTPClient().fetch(request, raise_error=False)
    except (OSError, ValueError, HTTPClientError) as error:
        raise AppUnavailable(f"the App is unreachable: {error}") from None
    if response.code == 599:  # tornado's code for a connection or timeout failure
        raise AppUnavailable(f"the App is unreachable: {response.error}")
    return parse_credentials(response.code, response.body)


def uses_api_token(headers):
    """Whether a request is authenticated by a JupyterHub API token rather than a browser session."""
    authorization = (headers or {}).get("Authorization", "") or ""
    return authorization.lower().startswith(("token ", "bearer "))


def refresh_outcome(has_app_cookie, by_api_token, credentials, username):
    """What refresh_user answers once the App has (or has not) been asked.

    True: nothing to change. False: log in again. A dict: the new auth state.
    - no App cookie on an API-token request (a server posting activity, an API
      spawn): the App cannot be asked, the stored env stands;
    - no App cookie on a browser request: the App session is gone;
    - the App refuses the session, or vouches for someone else: log in again.
    """
    if not has_app_cookie:
        return bool(by_api_token)
    if credentials is None or credentials["username"] != username:
        return False
    return {"name": username, "auth_state": {"env": credentials["env"]}}


def server_env_secret_name(pod_name):
    """The per-server Secret holding the App's env (a valid object name)."""
    return f"{pod_name}-app-env"[:253]


def server_env_secret(name, namespace, env, pod_name):
    """The Kubernetes Secret manifest the hub creates before the server's pod."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "Opaque",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {
                "app.kubernetes.io/managed-by": "hubfleet",
                "app.kubernetes.io/component": "openhexa-server-env",
                "hubfleet.io/server-pod": pod_name[:63].rstrip("-.") or "server",
            },
        },
        "stringData": dict(env),
    }


def with_env_from_secret(container_config, secret_name):
    """extra_container_config with envFrom reading the Secret, once, other sources kept."""
    config = dict(container_config or {})
    sources = [s for s in config.get("envFrom", []) if s.get("secretRef", {}).get("name") != secret_name]
    config["envFrom"] = sources + [{"secretRef": {"name": secret_name}}]
    return config


async def delete_secret(api, namespace, name):
    try:
        await api.delete_namespaced_secret(name=name, namespace=namespace)
    except Exception as error:  # kubernetes_asyncio's ApiException; a missing Secret is fine
        if getattr(error, "status", None) != 404:
            raise


async def replace_secret(api, namespace, name, manifest):
    # The hub's Role may create and delete Secrets, not update them: delete, then create.
    await delete_secret(api, namespace, name)
    await api.create_namespaced_secret(namespace=namespace, body=manifest)


try:
    from jupyterhub.auth import Authenticator
    from traitlets import Float, Unicode, default
except ImportError:  # the test suite's plain interpreter
    Authenticator = None

if Authenticator is not None:

    class OpenHexaAppAuthenticator(Authenticator):
        """Logs in whoever the OpenHexa App's session cookie belongs to."""

        credentials_url = Unicode(config=True, help="The App's credentials endpoint; default $APP_CREDENTIALS_URL")
        app_url = Unicode(config=True, help="The App's address; default $APP_URL")
        session_cookie_name = Unicode(APP_SESSION_COOKIE, config=True, help="The App's (Django) session cookie")
        request_timeout = Float(REQUEST_TIMEOUT_SECONDS, config=True, help="Seconds to wait for the App")

        @default("credentials_url")
        def _credentials_url_default(self):
            return os.environ.get("APP_CREDENTIALS_URL", "")

        @default("app_url")
        def _app_url_default(self):
            return os.environ.get("APP_URL", "")

        # No form: a session comes from the App, /hub/login only checks it.
        @default("auto_login")
        def _auto_login_default(self):
            return True

        @default("enable_auth_state")
        def _enable_auth_state_default(self):
            return True

        @default("refresh_pre_spawn")
        def _refresh_pre_spawn_default(self):
            return True

        @default("login_service")
        def _login_service_default(self):
            return "OpenHexa"

        async def _ask_app(self, handler):
            cookie = usable_session_cookie(handler.get_cookie(self.session_cookie_name)) if handler is not None else None
            if cookie is None:
                return False, None
            credentials = await fetch_app_credentials(self.credentials_url, cookie, self.request_timeout, self.session_cookie_name)
            return True, credentials

        async def authenticate(self, handler, data=None):
            try:
                has_cookie, credentials = await self._ask_app(handler)
            except AppUnavailable as error:
                self.log.error("OpenHexa login: %s", error)
                return None
            if not has_cookie or credentials is None:
                return None
            return {"name": credentials["username"], "auth_state": {"env": credentials["env"]}}

        async def refresh_user(self, user, handler=None):
            if handler is None:
                return True
            try:
                has_cookie, credentials = await self._ask_app(handler)
            except AppUnavailable as error:
                # Fail closed: stale credentials must not start a server.
                self.log.warning("OpenHexa refresh of %s: %s", user.name, error)
                return False
            by_token = uses_api_token(getattr(handler.request, "headers", {}))
            # The App's username is normalized as at login before comparing.
            if credentials is not None:
                credentials = dict(credentials, username=self.normalize_username(credentials["username"]))
            return refresh_outcome(has_cookie, by_token, credentials, user.name)

        async def pre_spawn_start(self, user, spawner):
            auth_state = await user.get_auth_state() or {}
            env = auth_state.get("env") or {}
            api = getattr(spawner, "api", None)
            pod_name = getattr(spawner, "pod_name", None)
            if api is None or pod_name is None:
                # Not Kubernetes (a local test hub): the env is the server process's own.
                spawner.environment.update(env)
                return
            secret_name = server_env_secret_name(pod_name)
            manifest = server_env_secret(secret_name, spawner.namespace, env, pod_name)
            await replace_secret(api, spawner.namespace, secret_name, manifest)
            spawner.extra_container_config = with_env_from_secret(spawner.extra_container_config, secret_name)

        async def post_spawn_stop(self, user, spawner):
            api = getattr(spawner, "api", None)
            pod_name = getattr(spawner, "pod_name", None)
            if api is not None and pod_name is not None:
                await delete_secret(api, spawner.namespace, server_env_secret_name(pod_name))

    # Inside the hub's jupyterhub_config.py, `c` is the config: select this class.
    if "c" in globals():
        c.JupyterHub.authenticator_class = OpenHexaAppAuthenticator  # noqa: F821
