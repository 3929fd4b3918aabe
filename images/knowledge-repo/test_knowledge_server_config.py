"""
Unit tests of the server config's logic, run by test/knowledge-repo-image.test.ts
with Debian's /usr/bin/python3 (no knowledge_repo needed):

    /usr/bin/python3 -m unittest discover -s images/knowledge-repo -p 'test_*.py'
"""

import importlib.util
import os
import unittest
from datetime import timedelta
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG_PATH = os.path.join(HERE, "knowledge_server_config.py")

FULL_ENV = {
    "SQLALCHEMY_DATABASE_URI": "postgresql://knowledge:pw@postgres.acme.svc.cluster.local:5432/knowledge?sslmode=disable",
    "KNOWLEDGE_SECRET_KEY": "k" * 48,
    "KNOWLEDGE_PUBLIC_URL": "https://hub.acme.org/services/knowledge/",
    "OAUTH_GOOGLE_CLIENT_ID": "client-id.apps.googleusercontent.com",
    "OAUTH_GOOGLE_CLIENT_SECRET": "client-secret-value",
    "KNOWLEDGE_ALLOWED_DOMAINS": "acme.org, Research.Acme.org",
}


def load_config(env):
    """Imports the config file as the app does, with exactly this environment."""
    spec = importlib.util.spec_from_file_location("knowledge_server_config_under_test", CONFIG_PATH)
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, env, clear=True):
        spec.loader.exec_module(module)
    return module


config = load_config(FULL_ENV)


class Refused(Exception):
    pass


class FakeLogger:
    def __init__(self):
        self.warnings = []

    def warning(self, message, *args):
        self.warnings.append(message % args)


class FakeProvider:
    def __init__(self, name="google", client=None):
        self.name = name
        self.app = type("App", (), {})()
        self.app.logger = FakeLogger()
        if client is not None:
            self.oauth_client = client


class User:
    def __init__(self, identifier):
        self.identifier = identifier


class DomainCheck(unittest.TestCase):
    domains = ("acme.org", "research.acme.org")

    def test_accepts_exact_domains_in_any_case(self):
        self.assertTrue(config.email_domain_allowed("ada@acme.org", self.domains))
        self.assertTrue(config.email_domain_allowed("Ada@ACME.org", self.domains))
        self.assertTrue(config.email_domain_allowed("bo@research.acme.org", self.domains))

    def test_refuses_other_sub_and_look_alike_domains(self):
        for email in ["ada@gmail.com", "ada@eu.acme.org", "ada@acme.org.evil.test", "ada@notacme.org", "ada@acme.org."]:
            self.assertFalse(config.email_domain_allowed(email, self.domains), email)

    def test_refuses_malformed_addresses(self):
        for email in ["acme.org", "@acme.org", "a@b@acme.org", "", None, 42]:
            self.assertFalse(config.email_domain_allowed(email, self.domains), repr(email))

    def test_validator_passes_allowed_users_and_raises_for_others(self):
        validate = config.make_domain_validator(self.domains, Refused)
        provider = FakeProvider()
        self.assertTrue(validate(provider, User("ada@acme.org")))
        with self.assertRaises(Refused):
            validate(provider, User("eve@evil.test"))
        self.assertEqual(len(provider.app.logger.warnings), 1)
        self.assertIn("eve@evil.test", provider.app.logger.warnings[0])

    def test_validator_raises_its_own_error_by_default(self):
        validate = config.make_domain_validator(self.domains)
        with self.assertRaises(config.LoginRefused):
            validate(FakeProvider(), User("eve@evil.test"))


class Parsing(unittest.TestCase):
    def test_flags(self):
        self.assertTrue(config.parse_flag("X", "true"))
        self.assertTrue(config.parse_flag("X", " TRUE "))
        self.assertFalse(config.parse_flag("X", "false"))
        self.assertFalse(config.parse_flag("X", None))
        self.assertFalse(config.parse_flag("X", ""))
        with self.assertRaisesRegex(config.ConfigError, "X must be true or false"):
            config.parse_flag("X", "yes please")

    def test_domains(self):
        self.assertEqual(config.parse_domains(" Acme.org ,research.acme.org,"), ("acme.org", "research.acme.org"))
        with self.assertRaisesRegex(config.ConfigError, "at least one domain"):
            config.parse_domains(" , ")
        with self.assertRaisesRegex(config.ConfigError, "not a domain"):
            config.parse_domains("acme.org,*.acme.org")

    def test_service_root_and_callback(self):
        self.assertEqual(config.service_root("https://hub.acme.org/services/knowledge/"), "/services/knowledge")
        self.assertEqual(config.service_root("https://kr.acme.org"), "")
        for bad in ["http://hub.acme.org/services/knowledge/", "hub.acme.org", "https://hub.acme.org/x?y=1"]:
            with self.assertRaises(config.ConfigError):
                config.service_root(bad)
        self.assertEqual(
            config.oauth_redirect_uri("https://hub.acme.org/services/knowledge/", "google"),
            "https://hub.acme.org/services/knowledge/auth/login/google/authorize",
        )


class Settings(unittest.TestCase):
    def settings(self, **changes):
        env = {**FULL_ENV, **changes}
        return config.settings_from_env({k: v for k, v in env.items() if v is not None}, Refused)[0]

    def test_database_secrets_and_login_come_from_the_environment(self):
        s = self.settings()
        self.assertEqual(s["SQLALCHEMY_DATABASE_URI"], FULL_ENV["SQLALCHEMY_DATABASE_URI"])
        self.assertEqual(s["SECRET_KEY"], "k" * 48)
        self.assertEqual(s["AUTH_PROVIDERS"], ["google"])
        self.assertEqual(s["OAUTH_GOOGLE_CLIENT_SECRET"], "client-secret-value")
        self.assertEqual(s["ALLOWED_DOMAINS"], ["acme.org", "research.acme.org"])
        self.assertTrue(s["OAUTH_GOOGLE_VALIDATE"](FakeProvider(), User("x@acme.org")))

    def test_anonymous_access_is_off_unless_turned_on(self):
        s = self.settings()
        for name in config.POLICY_NAMES:
            self.assertIs(s[f"POLICY_ANONYMOUS_{name}"], False, name)
        s = self.settings(KNOWLEDGE_POLICY_ANONYMOUS_VIEW_INDEX="true", KNOWLEDGE_POLICY_ANONYMOUS_DOWNLOADS="false")
        self.assertIs(s["POLICY_ANONYMOUS_VIEW_INDEX"], True)
        self.assertIs(s["POLICY_ANONYMOUS_VIEW_POST"], False)
        self.assertIs(s["POLICY_ANONYMOUS_DOWNLOADS"], False)

    def test_cookies_stay_under_the_prefix_and_need_https(self):
        s = self.settings()
        self.assertEqual(s["APPLICATION_ROOT"], "/services/knowledge")
        self.assertEqual(s["SESSION_COOKIE_PATH"], "/services/knowledge")
        self.assertEqual(s["REMEMBER_COOKIE_PATH"], "/services/knowledge")
        self.assertTrue(s["SESSION_COOKIE_SECURE"] and s["REMEMBER_COOKIE_SECURE"])
        self.assertEqual(s["REMEMBER_COOKIE_DURATION"], timedelta(days=30))
        self.assertIsNone(s["SERVER_NAME"])

    def test_git_sync_owns_the_checkout(self):
        s = self.settings(KNOWLEDGE_INDEXING_INTERVAL="120")
        self.assertIs(s["INDEXING_UPDATES_REPOSITORIES"], False)
        self.assertEqual(s["INDEXING_INTERVAL"], 120)
        self.assertGreater(s["INDEXING_TIMEOUT"], s["INDEXING_INTERVAL"])
        self.assertEqual(s["WEB_EDITOR_PREFIXES"], [])

    def test_refuses_what_would_lose_data_or_open_access(self):
        cases = {
            "SQLALCHEMY_DATABASE_URI": [None, "sqlite:///:memory:"],
            "KNOWLEDGE_SECRET_KEY": [None, "short"],
            "OAUTH_GOOGLE_CLIENT_SECRET": [None, " "],
            "OAUTH_GOOGLE_CLIENT_ID": [None],
            "KNOWLEDGE_ALLOWED_DOMAINS": [None, ""],
            "KNOWLEDGE_PUBLIC_URL": [None, "http://hub.acme.org/services/knowledge/"],
            "KNOWLEDGE_INDEXING_INTERVAL": ["5", "soon"],
            "KNOWLEDGE_POLICY_ANONYMOUS_VIEW_POST": ["maybe"],
        }
        for name, values in cases.items():
            for value in values:
                with self.assertRaises(config.ConfigError, msg=f"{name}={value!r}"):
                    self.settings(**{name: value})


class ModuleAsTheAppLoadsIt(unittest.TestCase):
    def test_exposes_flask_settings_as_module_names(self):
        self.assertEqual(config.AUTH_PROVIDERS, ["google"])
        self.assertIs(config.POLICY_ANONYMOUS_VIEW_POST, False)
        self.assertEqual(config.SQLALCHEMY_DATABASE_URI, FULL_ENV["SQLALCHEMY_DATABASE_URI"])

    def test_a_missing_setting_stops_the_import(self):
        env = dict(FULL_ENV)
        del env["OAUTH_GOOGLE_CLIENT_SECRET"]
        with self.assertRaisesRegex(ValueError, "OAUTH_GOOGLE_CLIENT_SECRET is required"):
            load_config(env)

    def test_the_gunicorn_hook_fixes_the_callback_and_wraps_the_app(self):
        google_client = type("Client", (), {"redirect_uri": "https://localhost:7000/auth/login/google/authorize"})()
        app = type("App", (), {})()
        app.auth_providers = [FakeProvider("google", google_client), FakeProvider("debug")]
        worker = type("Worker", (), {})()
        worker.wsgi = app
        config.post_worker_init(worker)
        self.assertEqual(google_client.redirect_uri, "https://hub.acme.org/services/knowledge/auth/login/google/authorize")
        self.assertIsInstance(worker.wsgi, config.PrefixRewriter)
        self.assertIs(worker.wsgi.app, app)


ROOT = "/services/knowledge"
PUBLIC = "https://hub.acme.org/services/knowledge/"


class ServingUnderThePrefix(unittest.TestCase):
    def test_root_absolute_paths_in_html_js_and_css_get_the_root(self):
        cases = {
            '<a href="/feed?results=5">': '<a href="/services/knowledge/feed?results=5">',
            "window.location = '/post/' + id;": "window.location = '/services/knowledge/post/' + id;",
            'url: "/" + url_request,': 'url: "/services/knowledge/" + url_request,',
            "if (path === '/tag_pages')": "if (path === '/services/knowledge/tag_pages')",
            "background: url(/static/img.png)": "background: url(/services/knowledge/static/img.png)",
        }
        for before, after in cases.items():
            self.assertEqual(config.prefix_root_paths(before, ROOT), after)

    def test_leaves_other_urls_and_slashes_alone(self):
        for text in [
            '<script src="/services/knowledge/static/js/base.js">',
            '<img src="//cdn.example/x.png">',
            '<a href="https://github.com/airbnb/knowledge-repo">',
            "parts.join('/')",
            "</a></div>",
            '"/" ',
            "x / 2",
        ]:
            self.assertEqual(config.prefix_root_paths(text, ROOT), text)
        self.assertEqual(config.prefix_root_paths('<a href="/feed">', ""), '<a href="/feed">')

    def test_redirects_stay_under_the_prefix_and_on_the_host(self):
        cases = {
            "/feed": "/services/knowledge/feed",
            "/services/knowledge/feed": "/services/knowledge/feed",
            "https://hub.acme.org/feed?x=1": "https://hub.acme.org/services/knowledge/feed?x=1",
            "https://accounts.google.com/o/oauth2/auth?x=1": "https://accounts.google.com/o/oauth2/auth?x=1",
            "//elsewhere.test/feed": "//elsewhere.test/feed",
            "feed": "feed",
        }
        for location, expected in cases.items():
            self.assertEqual(config.prefix_location(location, PUBLIC), expected, location)

    def test_strips_the_third_party_analytics_tag(self):
        page = (
            "<head>\n<script src=\"/static/a.js\"></script>\n"
            '<script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST"></script>\n'
            "<script>\n  window.dataLayer = [];\n  function gtag(){dataLayer.push(arguments);}\n  gtag('config', 'G-TEST');\n</script>\n"
            "<script>keep();</script>\n</head>"
        )
        stripped = config.strip_analytics(page)
        self.assertNotIn("googletagmanager", stripped)
        self.assertNotIn("gtag", stripped)
        self.assertIn('<script src="/static/a.js"></script>', stripped)
        self.assertIn("<script>keep();</script>", stripped)

    def run_app(self, status, headers, body):
        def app(environ, start_response):
            start_response(status, headers)
            return [body]

        seen = {}

        def start_response(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, dict(headers)

        out = b"".join(config.PrefixRewriter(app, PUBLIC)({}, start_response))
        return seen, out

    def test_the_middleware_rewrites_pages_scripts_and_redirects(self):
        html = b'<a href="/stats">Stats</a><script async src="https://www.googletagmanager.com/gtag/js?id=G"></script><script>gtag(1)</script>'
        seen, body = self.run_app("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(html)))], html)
        self.assertEqual(body, b'<a href="/services/knowledge/stats">Stats</a>')
        self.assertEqual(seen["headers"]["Content-Length"], str(len(body)))
        seen, body = self.run_app("302 FOUND", [("Location", "/feed"), ("Content-Type", "text/html")], b"")
        self.assertEqual(seen["headers"]["Location"], "/services/knowledge/feed")
        seen, body = self.run_app("200 OK", [("Content-Type", "application/javascript")], b"$.ajax('/ajax/x')")
        self.assertEqual(body, b"$.ajax('/services/knowledge/ajax/x')")

    def test_the_middleware_leaves_other_bodies_untouched(self):
        png = b"\x89PNG'/feed\xff"
        seen, body = self.run_app("200 OK", [("Content-Type", "image/png")], png)
        self.assertEqual(body, png)
        self.assertEqual(seen["headers"]["Content-Length"], str(len(png)))


if __name__ == "__main__":
    unittest.main()
