"""components/hub/openhexa_authenticator.py against a credentials server on loopback,
and (under Debian's /usr/bin/python3) inside the real JupyterHub's Authenticator."""
import asyncio
import importlib.util
import json
import os
import socket
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE_PATH = os.path.join(HERE, "..", "..", "components", "hub", "openhexa_authenticator.py")


def load_module(globals_extra=None):
    spec = importlib.util.spec_from_file_location("openhexa_authenticator", MODULE_PATH)
    module = importlib.util.module_from_spec(spec)
    for key, value in (globals_extra or {}).items():
        setattr(module, key, value)
    spec.loader.exec_module(module)
    return module


oh = load_module()

SESSIONS = {
    "k7w2q9x1valid": {
        "username": "ada",
        "env": {
            "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
            "S3_BUCKET_NAMES": "hexa-lake,hexa-notebooks",
            "HEXA_DB_PORT": 5432,
            "JUPYTERHUB_API_TOKEN": "the App must not replace this",
            "bad name": "dropped",
            "NESTED": {"dropped": True},
        },
    }
}


class CredentialsApp(BaseHTTPRequestHandler):
    """The App's /notebooks/credentials/ view, as the seed's App answers it."""

    seen = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        CredentialsApp.seen.append({"path": self.path, "cookie": self.headers.get("Cookie", "")})
        if self.path == "/broken/":
            return self._answer(200, b"<html>not json</html>", "text/html")
        if self.path == "/error/":
            return self._answer(500, b"{}")
        cookies = dict(part.strip().split("=", 1) for part in self.headers.get("Cookie", "").split(";") if "=" in part)
        session = SESSIONS.get(cookies.get("sessionid", ""))
        if session is None:
            return self._answer(401, json.dumps({"username": "", "env": {}}).encode())
        return self._answer(200, json.dumps(session).encode())

    def _answer(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def free_port_nobody_listens_on():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LoopbackApp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), CredentialsApp)
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"
        cls.url = cls.base + "/notebooks/credentials/"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        CredentialsApp.seen.clear()


class FetchCredentials(LoopbackApp):
    def test_a_live_session_gives_the_username_and_a_cleaned_env(self):
        credentials = asyncio.run(oh.fetch_app_credentials(self.url, "k7w2q9x1valid", timeout=5))
        self.assertEqual(credentials["username"], "ada")
        self.assertEqual(
            credentials["env"],
            {
                "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
                "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
                "HEXA_DB_PORT": "5432",
                "S3_BUCKET_NAMES": "hexa-lake,hexa-notebooks",
            },
        )
        self.assertEqual(CredentialsApp.seen, [{"path": "/notebooks/credentials/", "cookie": "sessionid=k7w2q9x1valid"}])

    def test_an_unknown_session_is_refused_not_an_error(self):
        self.assertIsNone(asyncio.run(oh.fetch_app_credentials(self.url, "expired", timeout=5)))

    def test_an_app_that_is_down_is_an_error(self):
        url = f"http://127.0.0.1:{free_port_nobody_listens_on()}/notebooks/credentials/"
        with self.assertRaises(oh.AppUnavailable):
            asyncio.run(oh.fetch_app_credentials(url, "k7w2q9x1valid", timeout=2))

    def test_a_server_error_or_a_page_instead_of_json_is_an_error(self):
        for path in ("/error/", "/broken/"):
            with self.subTest(path=path), self.assertRaises(oh.AppUnavailable):
                asyncio.run(oh.fetch_app_credentials(self.base + path, "k7w2q9x1valid", timeout=5))

    def test_the_cookie_name_is_configurable(self):
        asyncio.run(oh.fetch_app_credentials(self.url, "abc", timeout=5, cookie_name="hexa_session"))
        self.assertEqual(CredentialsApp.seen[0]["cookie"], "hexa_session=abc")


class PureRules(unittest.TestCase):
    def test_only_plain_cookie_values_are_forwarded(self):
        self.assertEqual(oh.usable_session_cookie("k7w2q9x1valid"), "k7w2q9x1valid")
        for bad in ("", "a;b", "a\r\nX-Evil: 1", "a b", None, 42, "x" * 5000):
            with self.subTest(value=bad):
                self.assertIsNone(oh.usable_session_cookie(bad))

    def test_answers_without_a_username_are_errors(self):
        for body in (b"[]", b'{"env": {}}', b'{"username": "  "}'):
            with self.subTest(body=body), self.assertRaises(oh.AppUnavailable):
                oh.parse_credentials(200, body)
        self.assertIsNone(oh.parse_credentials(403, b""))

    def test_refresh_follows_the_app_session(self):
        fresh = {"username": "ada", "env": {"S3_BUCKET_NAMES": "x"}}
        self.assertEqual(oh.refresh_outcome(True, False, fresh, "ada"), {"name": "ada", "auth_state": {"env": {"S3_BUCKET_NAMES": "x"}}})
        self.assertIs(oh.refresh_outcome(True, False, None, "ada"), False)
        self.assertIs(oh.refresh_outcome(True, False, dict(fresh, username="grace"), "ada"), False)
        self.assertIs(oh.refresh_outcome(False, True, None, "ada"), True)
        self.assertIs(oh.refresh_outcome(False, False, None, "ada"), False)

    def test_api_tokens_are_told_from_browser_requests(self):
        self.assertTrue(oh.uses_api_token({"Authorization": "token abc"}))
        self.assertTrue(oh.uses_api_token({"Authorization": "Bearer abc"}))
        self.assertFalse(oh.uses_api_token({"Cookie": "sessionid=x"}))
        self.assertFalse(oh.uses_api_token(None))

    def test_the_server_secret_holds_the_env_and_the_container_reads_it_once(self):
        manifest = oh.server_env_secret("jupyter-ada-app-env", "openhexa", {"A": "1"}, "jupyter-ada")
        self.assertEqual(manifest["stringData"], {"A": "1"})
        self.assertEqual(manifest["metadata"]["namespace"], "openhexa")
        config = oh.with_env_from_secret({"envFrom": [{"configMapRef": {"name": "other"}}]}, "jupyter-ada-app-env")
        again = oh.with_env_from_secret(config, "jupyter-ada-app-env")
        self.assertEqual(again["envFrom"], [{"configMapRef": {"name": "other"}}, {"secretRef": {"name": "jupyter-ada-app-env"}}])


class RecordingCoreApi:
    """Answers as the Kubernetes API would for Secrets the hub creates and deletes."""

    def __init__(self, existing=()):
        self.secrets = set(existing)
        self.calls = []

    async def delete_namespaced_secret(self, name, namespace):
        self.calls.append(("delete", name))
        if name not in self.secrets:
            error = Exception("Not Found")
            error.status = 404
            raise error
        self.secrets.discard(name)

    async def create_namespaced_secret(self, namespace, body):
        self.calls.append(("create", body["metadata"]["name"]))
        if body["metadata"]["name"] in self.secrets:
            error = Exception("Conflict")
            error.status = 409
            raise error
        self.secrets.add(body["metadata"]["name"])


class AuthStateKeyOrder(unittest.TestCase):
    def test_the_estates_keys_come_first_and_none_twice(self):
        spec = importlib.util.spec_from_file_location("auth_state_key", AUTH_STATE_KEY_PATH)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self.assertEqual(module.crypt_keys("e1;e2", ["chart", "e1"]), ["e1", "e2", "chart"])
        self.assertEqual(module.crypt_keys("e1", []), ["e1"])
        self.assertEqual(module.crypt_keys(" ", ["chart"]), ["chart"])


class SecretLifecycle(unittest.TestCase):
    def test_a_leftover_secret_is_replaced_and_a_missing_one_is_no_error(self):
        api = RecordingCoreApi(existing={"jupyter-ada-app-env"})
        manifest = oh.server_env_secret("jupyter-ada-app-env", "openhexa", {"A": "1"}, "jupyter-ada")
        asyncio.run(oh.replace_secret(api, "openhexa", "jupyter-ada-app-env", manifest))
        asyncio.run(oh.delete_secret(api, "openhexa", "jupyter-ada-app-env"))
        asyncio.run(oh.delete_secret(api, "openhexa", "jupyter-ada-app-env"))
        self.assertEqual(api.calls, [("delete", "jupyter-ada-app-env"), ("create", "jupyter-ada-app-env"), ("delete", "jupyter-ada-app-env"), ("delete", "jupyter-ada-app-env")])
        self.assertEqual(api.secrets, set())


try:
    import jupyterhub
    from traitlets.config import Config
except ImportError:
    jupyterhub = None


class FakeRequest:
    def __init__(self, headers):
        self.headers = headers


class FakeHandler:
    """What the authenticator reads from a tornado request handler."""

    def __init__(self, cookies, headers=None):
        self._cookies = cookies
        self.request = FakeRequest(headers or {})

    def get_cookie(self, name, default=None):
        return self._cookies.get(name, default)


class FakeUser:
    def __init__(self, name, auth_state):
        self.name = name
        self._auth_state = auth_state

    async def get_auth_state(self):
        return self._auth_state


class FakeSpawner:
    def __init__(self, api=None):
        self.environment = {}
        self.extra_container_config = {}
        if api is not None:
            self.api = api
            self.pod_name = "jupyter-ada"
            self.namespace = "openhexa"


@unittest.skipIf(jupyterhub is None, "JupyterHub is not importable by this interpreter (use Debian's /usr/bin/python3)")
class InsideJupyterHub(LoopbackApp):
    def authenticator(self):
        config = Config()
        module = load_module({"c": config})
        self.assertIs(config.JupyterHub.authenticator_class, module.OpenHexaAppAuthenticator)
        return module.OpenHexaAppAuthenticator(config=config)

    def setUp(self):
        super().setUp()
        # The hub's pod has it from hub.extraEnv; the trait's default reads it.
        os.environ["APP_CREDENTIALS_URL"] = self.url

    def tearDown(self):
        del os.environ["APP_CREDENTIALS_URL"]

    def test_the_class_selects_itself_and_its_traits_validate(self):
        auth = self.authenticator()
        self.assertEqual(auth.credentials_url, self.url)
        self.assertTrue(auth.auto_login)
        self.assertTrue(auth.enable_auth_state)
        self.assertTrue(auth.refresh_pre_spawn)
        self.assertEqual(auth.session_cookie_name, "sessionid")

    def test_jupyterhub_logs_in_the_apps_user_and_keeps_the_env_in_auth_state(self):
        auth = self.authenticator()
        user = asyncio.run(auth.get_authenticated_user(FakeHandler({"sessionid": "k7w2q9x1valid"}), None))
        self.assertEqual(user["name"], "ada")
        self.assertEqual(user["auth_state"]["env"]["S3_BUCKET_NAMES"], "hexa-lake,hexa-notebooks")
        self.assertIsNone(asyncio.run(auth.get_authenticated_user(FakeHandler({"sessionid": "expired"}), None)))
        self.assertIsNone(asyncio.run(auth.get_authenticated_user(FakeHandler({}), None)))

    def test_refresh_asks_the_app_again(self):
        auth = self.authenticator()
        ada = FakeUser("ada", {"env": {}})
        refreshed = asyncio.run(auth.refresh_user(ada, FakeHandler({"sessionid": "k7w2q9x1valid"})))
        self.assertEqual(refreshed["auth_state"]["env"]["AWS_ACCESS_KEY_ID"], "AKIAEXAMPLE")
        self.assertIs(asyncio.run(auth.refresh_user(ada, FakeHandler({"sessionid": "expired"}))), False)
        self.assertIs(asyncio.run(auth.refresh_user(ada, FakeHandler({}, {"Authorization": "token x"}))), True)

    def test_the_env_reaches_a_kubernetes_server_only_through_its_secret(self):
        auth = self.authenticator()
        ada = FakeUser("ada", {"env": {"AWS_SECRET_ACCESS_KEY": "not-a-real-secret"}})
        api = RecordingCoreApi()
        spawner = FakeSpawner(api)
        asyncio.run(auth.pre_spawn_start(ada, spawner))
        self.assertEqual(spawner.environment, {})
        self.assertEqual(spawner.extra_container_config, {"envFrom": [{"secretRef": {"name": "jupyter-ada-app-env"}}]})
        self.assertEqual(api.secrets, {"jupyter-ada-app-env"})
        asyncio.run(auth.post_spawn_stop(ada, spawner))
        self.assertEqual(api.secrets, set())

    def test_a_local_spawner_gets_the_env_directly(self):
        auth = self.authenticator()
        spawner = FakeSpawner()
        asyncio.run(auth.pre_spawn_start(FakeUser("ada", {"env": {"S3_BUCKET_NAMES": "a"}}), spawner))
        self.assertEqual(spawner.environment, {"S3_BUCKET_NAMES": "a"})


class FakeProxyApi(BaseHTTPRequestHandler):
    """configurable-http-proxy's REST API, answered by nobody but this: the hub runs without a proxy."""

    def _answer(self, status, body=b"{}"):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._answer(200)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer(201, b"")

    def do_DELETE(self):
        self._answer(204, b"")

    def log_message(self, *args):
        pass


AUTH_STATE_KEY_PATH = os.path.join(HERE, "..", "..", "components", "hub", "auth_state_key.py")

# As the chart's jupyterhub_config.py does: CryptKeeper.keys from the chart's own key, then
# hubfleet's extraConfig entries (the auth-state key first, then the login).
HUB_CONFIG = """
c.CryptKeeper.keys = [{chart_key!r}]
exec(compile(open({key_module!r}).read(), {key_module!r}, "exec"))
exec(compile(open({module!r}).read(), {module!r}, "exec"))
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {public_port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{db}"
c.JupyterHub.cookie_secret_file = {cookie_file!r}
c.ConfigurableHTTPProxy.should_start = False
c.ConfigurableHTTPProxy.api_url = {proxy_api!r}
c.ConfigurableHTTPProxy.auth_token = "proxy-test-token-0000000000000000"
c.OpenHexaAppAuthenticator.credentials_url = {credentials_url!r}
c.Authenticator.admin_users = {{"grace"}}
# The Renku-style preset's roles (components/hub/renku.ts, hub.loadRoles), checked here in a real hub:
# servers may read their own user's auth state.
c.JupyterHub.load_roles = [
    {{"name": "user", "scopes": ["self", "admin:auth_state!user"]}},
    {{"name": "server", "scopes": ["users:activity!user", "access:servers!user", "read:users:name!user", "admin:auth_state!user"]}},
    {{"name": "probe", "scopes": ["tokens", "read:users"], "services": ["probe"]}},
]
c.JupyterHub.services = [{{"name": "probe", "api_token": {probe_token!r}}}]
"""


@unittest.skipIf(jupyterhub is None, "JupyterHub is not importable by this interpreter (use Debian's /usr/bin/python3)")
class RealHub(LoopbackApp):
    """Debian's JupyterHub process with the authenticator, on loopback, asked to log users in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import secrets
        import subprocess
        import tempfile
        import time
        import urllib.request

        cls.proxy = ThreadingHTTPServer(("127.0.0.1", 0), FakeProxyApi)
        threading.Thread(target=cls.proxy.serve_forever, daemon=True).start()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jupyterhub.sqlite")
        cookie_file = os.path.join(cls.tmp.name, "cookie_secret")
        with open(cookie_file, "w") as f:
            f.write(secrets.token_hex(32))
        os.chmod(cookie_file, 0o600)
        cls.hub_port = free_port_nobody_listens_on()
        cls.probe_token = secrets.token_hex(24)
        cls.chart_key, cls.estate_key = secrets.token_hex(32), secrets.token_hex(32)
        config = os.path.join(cls.tmp.name, "jupyterhub_config.py")
        with open(config, "w") as f:
            f.write(HUB_CONFIG.format(
                module=os.path.abspath(MODULE_PATH), key_module=os.path.abspath(AUTH_STATE_KEY_PATH), chart_key=cls.chart_key, public_port=free_port_nobody_listens_on(), hub_port=cls.hub_port, db=cls.db,
                cookie_file=cookie_file, probe_token=cls.probe_token, proxy_api=f"http://127.0.0.1:{cls.proxy.server_address[1]}", credentials_url=cls.url,
            ))
        env = dict(os.environ, JUPYTERHUB_CRYPT_KEY=cls.estate_key)
        cls.log = open(os.path.join(cls.tmp.name, "hub.log"), "w+")
        cls.hub = subprocess.Popen(["/usr/bin/python3", "-m", "jupyterhub", "-f", config], cwd=cls.tmp.name, env=env, stdout=cls.log, stderr=subprocess.STDOUT)
        cls.hub_url = f"http://127.0.0.1:{cls.hub_port}/hub"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(cls.hub_url + "/api", timeout=1)
                return
            except OSError:
                if cls.hub.poll() is not None:
                    break
                time.sleep(0.1)
        cls.log.seek(0)
        log = cls.log.read()
        cls.tearDownClass()
        raise RuntimeError("the hub did not start:\n" + log[-3000:])

    @classmethod
    def tearDownClass(cls):
        cls.hub.terminate()
        try:
            cls.hub.wait(timeout=10)
        except Exception:
            cls.hub.kill()
        cls.log.close()
        cls.proxy.shutdown()
        cls.proxy.server_close()
        cls.tmp.cleanup()
        super().tearDownClass()

    def login(self, cookie):
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", self.hub_port, timeout=10)
        connection.request("GET", "/hub/login", headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status, response.getheader("Set-Cookie") or "", response.getheader("Location") or ""

    def test_a_live_app_session_logs_in_and_its_env_is_stored_encrypted(self):
        status, set_cookie, location = self.login("sessionid=k7w2q9x1valid")
        self.assertEqual(status, 302)
        self.assertIn("jupyterhub-hub-login=", set_cookie)
        self.assertTrue(location.startswith("/hub/"), location)
        import sqlite3

        with sqlite3.connect(self.db) as db:
            states = dict(db.execute("select name, encrypted_auth_state from users").fetchall())
        self.assertIsNone(states["grace"])  # an admin who never logged in: nothing stored
        # Encrypted under the estate's key, not the chart's.
        import base64
        import binascii
        from cryptography.fernet import Fernet, InvalidToken

        fernet = lambda key: Fernet(base64.urlsafe_b64encode(binascii.a2b_hex(key)))  # noqa: E731
        self.assertEqual(json.loads(fernet(self.estate_key).decrypt(states["ada"]))["env"]["AWS_ACCESS_KEY_ID"], "AKIAEXAMPLE")
        with self.assertRaises(InvalidToken):
            fernet(self.chart_key).decrypt(states["ada"])
        with open(self.db, "rb") as f:
            self.assertNotIn(b"not-a-real-secret", f.read())

    def api(self, method, path, token, body=None):
        import urllib.request

        request = urllib.request.Request(
            self.hub_url + "/api" + path, method=method, data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def test_a_server_token_reads_its_own_users_auth_state_under_the_renku_roles(self):
        self.assertEqual(self.login("sessionid=k7w2q9x1valid")[0], 302)
        server_token = self.api("POST", "/users/ada/tokens", self.probe_token, {"roles": ["server"], "note": "as a server gets"})["token"]
        model = self.api("GET", "/users/ada", server_token)
        self.assertEqual(model["auth_state"]["env"]["S3_BUCKET_NAMES"], "hexa-lake,hexa-notebooks")
        # Its own user only.
        import urllib.error

        with self.assertRaises(urllib.error.HTTPError) as refused:
            self.api("GET", "/users/grace", server_token)
        self.assertIn(refused.exception.code, (403, 404))

    def test_no_session_or_a_dead_one_is_refused(self):
        self.assertEqual(self.login("sessionid=expired")[0], 403)
        self.assertEqual(self.login("")[0], 403)


if __name__ == "__main__":
    unittest.main()
