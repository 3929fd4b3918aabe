"""
Knowledge Repo server configuration for hubfleet.

`knowledge_repo deploy --config <this file>` imports it and Flask keeps its
upper-case names. Every value comes from the pod's environment (secrets arrive
there from Kubernetes Secrets), so this file holds nothing about a tenant, and a
missing or malformed setting stops the server at start instead of leaving it open
or on an in-memory database.

The helpers are plain functions so that they are tested without the app
(test_knowledge_server_config.py); nothing here imports knowledge_repo.
"""

import os
import re
from datetime import timedelta
from urllib.parse import urlsplit

# The anonymous-access policies knowledge-repo 0.9.3 reads, as POLICY_ANONYMOUS_<name>.
POLICY_NAMES = ("VIEW_INDEX", "VIEW_POST", "VIEW_STATS", "VIEW_TAGS", "DOWNLOADS")

# The one login this image offers; knowledge-repo's preset of that name.
AUTH_PROVIDER = "google"

_DOMAIN = re.compile(r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]([-a-z0-9]*[a-z0-9])?$")


class ConfigError(ValueError):
    """A setting the pod gave is missing or malformed."""


class LoginRefused(PermissionError):
    """A Google account outside the allowed domains tried to log in."""


def parse_flag(name, raw):
    """'true' or 'false' (any case); unset means false, so access needs a login."""
    if raw is None or raw.strip() == "":
        return False
    value = raw.strip().lower()
    if value == "true":
        return True
    if value == "false":
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def parse_domains(raw):
    """A comma-separated list of domains, lower-cased; at least one is required."""
    domains = tuple(part.strip().lower() for part in (raw or "").split(",") if part.strip())
    if not domains:
        raise ConfigError("KNOWLEDGE_ALLOWED_DOMAINS must name at least one domain, such as example.org")
    for domain in domains:
        if not _DOMAIN.match(domain):
            raise ConfigError(f"KNOWLEDGE_ALLOWED_DOMAINS: {domain!r} is not a domain such as example.org")
    return domains


def email_domain_allowed(email, domains):
    """
    True when the address is exactly user@<one of the domains>. A sub-domain, a
    look-alike suffix (example.org.evil.test) or a second '@' does not pass.
    """
    if not isinstance(email, str):
        return False
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or "@" in local:
        return False
    return domain.lower() in domains


def service_root(public_url):
    """
    The path the app is served under, from its public https URL, without a
    trailing slash ('/services/knowledge'), or '' at the root of its own host.
    """
    parts = urlsplit(public_url or "")
    if parts.scheme != "https" or not parts.hostname:
        raise ConfigError(f"KNOWLEDGE_PUBLIC_URL must be an https URL, not {public_url!r}")
    if parts.query or parts.fragment:
        raise ConfigError("KNOWLEDGE_PUBLIC_URL must not have a query or fragment")
    path = parts.path.strip("/")
    return f"/{path}" if path else ""


def oauth_redirect_uri(public_url, provider_name):
    """Where Google sends the browser back; register exactly this URI with the OAuth client."""
    return f"{public_url.rstrip('/')}/auth/login/{provider_name}/authorize"


def make_domain_validator(domains, refusal=LoginRefused):
    """
    knowledge-repo calls OAUTH_GOOGLE_VALIDATE(provider, user) after Google's
    login. A refused user raises rather than returning False: the app checks the
    result with `assert`, which `python -O` would skip.
    """

    def validate(provider, user):
        if email_domain_allowed(getattr(user, "identifier", None), domains):
            return True
        provider.app.logger.warning("refused a Google login from outside the allowed domains: %s", getattr(user, "identifier", None))
        raise refusal()

    return validate


def _permission_denied():
    """The app's own 403 page when Flask-Principal is there (always, in the image)."""
    try:
        from flask_principal import PermissionDenied
    except ImportError:
        return LoginRefused
    return PermissionDenied


def fix_oauth_callbacks(app, public_url):
    """
    knowledge-repo 0.9.3 builds the OAuth callback with posixpath.join(APPLICATION_ROOT,
    '/auth/...'), which drops the prefix, and with SERVER_NAME or localhost:7000 as
    the host. Point every OAuth provider's callback at the public URL instead.
    """
    for provider in getattr(app, "auth_providers", []):
        client = getattr(provider, "oauth_client", None)
        if client is not None:
            client.redirect_uri = oauth_redirect_uri(public_url, provider.name)
    return app


# A root-absolute path in a quoted string or url(...): "/feed", '/post/' + p, url(/x).
# Not "//host" and not one already under the prefix.
_ROOT_PATH = r"""(?P<open>["'(])/(?!/)(?!{prefix}/)(?=[A-Za-z_])"""
# The one place the app's JavaScript builds a path from "/" + a variable.
_BARE_SLASH = r"""(?P<open>["'])/(?P=open)(?=\s*\+)"""


def prefix_root_paths(text, root):
    """
    knowledge-repo's templates and scripts write links as '/feed', '/post/...',
    '/ajax/...'; under the hub's proxy they must start with the app's root.
    """
    if not root:
        return text
    text = re.sub(_ROOT_PATH.format(prefix=re.escape(root.strip("/"))), lambda m: f"{m.group('open')}{root}/", text)
    return re.sub(_BARE_SLASH, lambda m: f"{m.group('open')}{root}/{m.group('open')}", text)


def prefix_location(location, public_url):
    """A redirect to '/feed' (or https://<host>/feed) goes to the same page under the app's root."""
    root = service_root(public_url)
    if not root or not location:
        return location
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        if parts.hostname != urlsplit(public_url).hostname:
            return location
    elif not location.startswith("/") or location.startswith("//"):
        return location
    if parts.path == root or parts.path.startswith(root + "/"):
        return location
    return parts._replace(path=root + parts.path).geturl()


# knowledge-repo 0.9.3's base template loads Google Analytics for a property that is
# not the tenant's: every page view (post titles in the URL) would go to a third party.
_ANALYTICS = re.compile(
    r"""<script[^>]*src="https://www\.googletagmanager\.com/gtag/js[^"]*"[^>]*>\s*</script>\s*<script>(?:(?!</script>).)*?gtag\((?:(?!</script>).)*</script>""",
    re.DOTALL,
)


def strip_analytics(html):
    """The page without the third-party analytics tag and its inline set-up script."""
    return _ANALYTICS.sub("", html)


_REWRITTEN_TYPES = ("text/html", "application/javascript", "text/javascript", "text/css")


class PrefixRewriter:
    """
    WSGI middleware in front of the app: Location headers and the bodies of HTML,
    JavaScript and CSS responses get the app's root in front of root-absolute paths.
    Paths the app builds with url_for already carry it (gunicorn's SCRIPT_NAME).
    """

    def __init__(self, app, public_url):
        self.app = app
        self.public_url = public_url
        self.root = service_root(public_url)

    def __call__(self, environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"], captured["exc_info"] = status, headers, exc_info
            return lambda data: captured.setdefault("written", []).append(data)

        result = self.app(environ, capture)
        try:
            body = b"".join(captured.get("written", [])) + b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = []
        content_type = ""
        for name, value in captured["headers"]:
            lower = name.lower()
            if lower == "location":
                value = prefix_location(value, self.public_url)
            elif lower == "content-type":
                content_type = value.split(";")[0].strip().lower()
            if lower != "content-length":
                headers.append((name, value))
        if content_type in _REWRITTEN_TYPES and body:
            text = body.decode("utf-8")
            if content_type == "text/html":
                text = strip_analytics(text)
            body = prefix_root_paths(text, self.root).encode("utf-8")
        headers.append(("Content-Length", str(len(body))))
        start_response(captured["status"], headers, captured["exc_info"])
        return [body]


def _required(env, name):
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is required")
    return value


def settings_from_env(env, refusal=None):
    """Every Flask setting of the server, from the pod's environment."""
    database_uri = _required(env, "SQLALCHEMY_DATABASE_URI")
    if not database_uri.startswith(("postgresql://", "postgresql+psycopg2://")):
        raise ConfigError("SQLALCHEMY_DATABASE_URI must be a postgresql:// URL (an in-memory database loses everything)")
    secret_key = _required(env, "KNOWLEDGE_SECRET_KEY")
    if len(secret_key) < 32:
        raise ConfigError("KNOWLEDGE_SECRET_KEY must be at least 32 characters")
    public_url = _required(env, "KNOWLEDGE_PUBLIC_URL")
    root = service_root(public_url)
    domains = parse_domains(env.get("KNOWLEDGE_ALLOWED_DOMAINS"))
    interval_text = env.get("KNOWLEDGE_INDEXING_INTERVAL", "60").strip()
    if not interval_text.isdigit() or int(interval_text) < 10:
        raise ConfigError(f"KNOWLEDGE_INDEXING_INTERVAL must be a whole number of seconds, at least 10, not {interval_text!r}")
    interval = int(interval_text)
    cookie_path = root or "/"

    settings = {
        "DEBUG": False,
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "DB_AUTO_CREATE": True,
        # A new image may carry new migrations; the database is this app's alone.
        "DB_AUTO_UPGRADE": True,
        "SECRET_KEY": secret_key,
        # Unset: Flask would answer only that Host, and probes come by pod IP.
        "SERVER_NAME": None,
        "APPLICATION_ROOT": cookie_path,
        "PREFERRED_URL_SCHEME": "https",
        # The cookies stay under the app's path, apart from the hub's on the same host.
        "SESSION_COOKIE_NAME": "knowledge_session",
        "SESSION_COOKIE_PATH": cookie_path,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_NAME": "knowledge_remember",
        "REMEMBER_COOKIE_PATH": cookie_path,
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "AUTH_PROVIDERS": [AUTH_PROVIDER],
        "OAUTH_GOOGLE_CLIENT_ID": _required(env, "OAUTH_GOOGLE_CLIENT_ID"),
        "OAUTH_GOOGLE_CLIENT_SECRET": _required(env, "OAUTH_GOOGLE_CLIENT_SECRET"),
        "OAUTH_GOOGLE_VALIDATE": make_domain_validator(domains, refusal or _permission_denied()),
        "ALLOWED_DOMAINS": list(domains),
        # git-sync keeps the checkout current; the app only re-reads it.
        "INDEXING_INTERVAL": interval,
        "INDEXING_TIMEOUT": max(600, 3 * interval),
        "INDEXING_UPDATES_REPOSITORIES": False,
        # Posts come from git only: the web editor would write where nothing keeps them.
        "WEB_EDITOR_PREFIXES": [],
        "DEPLOY_HTTPS": False,
    }
    for name in POLICY_NAMES:
        key = f"POLICY_ANONYMOUS_{name}"
        settings[key] = parse_flag(f"KNOWLEDGE_{key}", env.get(f"KNOWLEDGE_{key}"))
    return settings, public_url


_settings, _public_url = settings_from_env(os.environ)
globals().update(_settings)


def post_worker_init(worker):
    """
    A gunicorn hook (the pod passes this file to gunicorn too): once a worker has
    loaded the app, fix its OAuth callbacks and serve it through the prefix rewriter.
    """
    fix_oauth_callbacks(worker.wsgi, _public_url)
    worker.wsgi = PrefixRewriter(worker.wsgi, _public_url)
