# hubfleet's workshop dashboard hook: every notebook save in a participant's server
# is reported, with the notebook, to the instructors' dashboard service.
#
# The estate mounts this file as Jupyter server config (chart `singleuser.extraFiles`,
# components/services/dashboard.ts), where it installs `post_save` as
# FileContentsManager.post_save_hook. It works in jupyter_server (JupyterLab,
# Notebook 7) and in the classic notebook server (what Debian's JupyterHub 3.0 runs).
#
# A save must never wait for, or fail because of, the dashboard: the hook only puts
# the report in a small queue and returns; one background thread sends it with a
# short timeout, and a full queue drops the oldest report. Nothing here raises.
#
# Plain Python (standard library only), importable without Jupyter for the tests.
import datetime
import json
import logging
import os
import queue
import threading
import urllib.request

URL_ENV = "HUBFLEET_DASHBOARD_URL"
TIMEOUT_ENV = "HUBFLEET_DASHBOARD_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 3.0
# Larger notebooks are reported without their content.
MAX_CONTENT_BYTES = 4 * 1024 * 1024
QUEUE_SIZE = 16

_log = logging.getLogger("hubfleet.dashboard_hook")
_outbox = queue.Queue(maxsize=QUEUE_SIZE)
_worker_lock = threading.Lock()
_worker = None


def build_report(model, os_path, user, now=None):
    """The event the dashboard stores, with the notebook when it is small enough; None for other files."""
    if not isinstance(model, dict) or model.get("type") != "notebook":
        return None
    path = model.get("path") or os.path.basename(os_path)
    timestamp = (now or datetime.datetime.now(datetime.timezone.utc)).isoformat()
    report = {
        "type": "save-notebook",
        "user": user,
        "filename": os.path.basename(path),
        "path": path,
        "timestamp": timestamp,
    }
    try:
        if os.path.getsize(os_path) <= MAX_CONTENT_BYTES:
            with open(os_path, encoding="utf-8") as notebook_file:
                report["content"] = json.load(notebook_file)
    except (OSError, ValueError) as error:
        _log.warning("dashboard hook: notebook %s not attached: %s", os_path, error)
    return report


def send_report(report, url, token, timeout):
    """POST one report; True when the dashboard accepted it. Never raises."""
    try:
        request = urllib.request.Request(
            url,
            data=json.dumps(report).encode("utf-8"),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": "token " + token},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return 200 <= response.status < 300
    except Exception as error:  # noqa: BLE001 - a down dashboard is expected and harmless
        _log.warning("dashboard hook: report for %s not delivered: %s", report.get("path"), error)
        return False


def _timeout():
    try:
        return max(0.1, float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT_SECONDS)))
    except ValueError:
        return DEFAULT_TIMEOUT_SECONDS


def _drain():
    while True:
        report, url, token = _outbox.get()
        send_report(report, url, token, _timeout())
        _outbox.task_done()


def _ensure_worker():
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_drain, name="hubfleet-dashboard-hook", daemon=True)
            _worker.start()


def enqueue(item):
    """Queue a report without blocking; when full, the oldest report gives way."""
    while True:
        try:
            _outbox.put_nowait(item)
            return
        except queue.Full:
            try:
                _outbox.get_nowait()
                _outbox.task_done()
            except queue.Empty:
                pass


def post_save(model=None, os_path=None, contents_manager=None, **kwargs):
    """FileContentsManager.post_save_hook: report a saved notebook, never blocking or raising."""
    try:
        url = os.environ.get(URL_ENV, "")
        token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
        if not url or not token or not os_path:
            return
        report = build_report(model, os_path, os.environ.get("JUPYTERHUB_USER", ""))
        if report is None:
            return
        enqueue((report, url, token))
        _ensure_worker()
    except Exception as error:  # noqa: BLE001 - a save must not fail because of the dashboard
        _log.warning("dashboard hook failed: %s", error)


# As a Jupyter config file, `c` is the config: install the hook.
if "c" in globals():
    c.FileContentsManager.post_save_hook = post_save  # noqa: F821
