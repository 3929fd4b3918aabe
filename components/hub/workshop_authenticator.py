# hubfleet's workshop login (PipalHub's username:password file, without plain text).
#
# The hub runs this file as a z2jh `hub.extraConfig` entry. Participants' passwords
# never reach the cluster: a Kubernetes Secret mounted read-only holds, per user, an
# scrypt hash written by components/hub/workshop.ts (hashParticipants), as
#   scrypt$<N>$<r>$<p>$<salt, base64>$<hash, base64>
# The file is read at every login, so a participant added with `pulumi up` can log
# in as soon as the kubelet refreshes the mounted Secret, without restarting the hub.
#
# The password check is plain Python (hashlib, hmac), importable without JupyterHub,
# so that the test suite runs the very function the hub runs.
import base64
import hashlib
import hmac
import json

WORKSHOP_USERS_FILE = "/etc/hubfleet/workshop/users.json"

# scrypt needs 128 * N * r bytes: 32 MiB at N=2**15, r=8; allow twice that.
SCRYPT_MAXMEM = 64 * 1024 * 1024

# Checked against when the user is unknown, so that a wrong name costs as long as a wrong password.
_UNKNOWN_USER_RECORD = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def _verify(record, password):
    """True when `password` hashes to `record`; False for a malformed record."""
    try:
        scheme, n, r, p, salt, expected = record.split("$")
        if scheme != "scrypt":
            return False
        expected_bytes = base64.b64decode(expected)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=SCRYPT_MAXMEM,
            dklen=len(expected_bytes),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected_bytes)


def check_password(users, username, password):
    """Whether `username` may log in with `password`, given username -> hash record."""
    if not isinstance(username, str) or not isinstance(password, str) or password == "":
        return False
    record = users.get(username)
    if not isinstance(record, str):
        _verify(_UNKNOWN_USER_RECORD, password)
        return False
    return _verify(record, password)


def load_users(path=WORKSHOP_USERS_FILE):
    with open(path, encoding="utf-8") as users_file:
        users = json.load(users_file)
    return users if isinstance(users, dict) else {}


try:
    from jupyterhub.auth import Authenticator
    from traitlets import Unicode
except ImportError:  # the test suite, without JupyterHub
    Authenticator = None

if Authenticator is not None:

    class WorkshopAuthenticator(Authenticator):
        """Username and password from the workshop's mounted hash file."""

        users_file = Unicode(WORKSHOP_USERS_FILE, config=True, help="JSON: username -> scrypt hash record")

        async def authenticate(self, handler, data):
            import asyncio

            username = self.normalize_username(data.get("username", ""))
            password = data.get("password", "")
            try:
                users = load_users(self.users_file)
            except (OSError, ValueError) as error:
                self.log.error("workshop users file %s unreadable: %s", self.users_file, error)
                return None
            # scrypt is slow by design: keep it off the hub's event loop.
            loop = asyncio.get_running_loop()
            allowed = await loop.run_in_executor(None, check_password, users, username, password)
            return username if allowed else None

    # Inside the hub's jupyterhub_config.py, `c` is the config: select this class.
    if "c" in globals():
        c.JupyterHub.authenticator_class = WorkshopAuthenticator  # noqa: F821
