# A jupyterhub_config.py for the end-to-end tests: it reads the chart values that
# hubfleet's TypeScript builders produced and applies the parts a real hub reads,
# the way the jupyterhub chart's own config file does (hub.config sections,
# hub.services with api tokens from the chart's Secret, hub.loadRoles, then
# hub.extraConfig in key order), plus loopback settings that only this machine
# knows. The extraConfig code (the workshop authenticator) runs unchanged.
#
# Environment (set by the test):
#   HUBFLEET_TEST_VALUES          path of the values JSON
#   HUBFLEET_TEST_SERVICE_TOKENS  JSON {service name: token}, what the chart keeps in its hub Secret
#   HUBFLEET_TEST_LOOPBACK        JSON {ip, port, hub_port, proxy_api_port, proxy_command, dir, spawner_env}
import json
import os

values = json.load(open(os.environ["HUBFLEET_TEST_VALUES"], encoding="utf-8"))
tokens = json.loads(os.environ["HUBFLEET_TEST_SERVICE_TOKENS"])
loopback = json.loads(os.environ["HUBFLEET_TEST_LOOPBACK"])
hub = values.get("hub", {})

c = get_config()  # noqa: F821

for section, settings in hub.get("config", {}).items():
    for key, value in settings.items():
        setattr(c[section], key, value)

c.JupyterHub.services = []
for key, service in hub.get("services", {}).items():
    service = dict(service)
    service.setdefault("name", key)
    service.pop("apiToken", None)
    service["api_token"] = tokens[key]
    c.JupyterHub.services.append(service)

c.JupyterHub.load_roles = []
for key, role in hub.get("loadRoles", {}).items():
    role = dict(role)
    role.setdefault("name", key)
    c.JupyterHub.load_roles.append(role)

for key in sorted(hub.get("extraConfig", {})):
    exec(compile(hub["extraConfig"][key], f"extraConfig:{key}", "exec"), {"c": c, "get_config": lambda: c})

# What Kubernetes and the chart's images provide in a cluster, here on loopback.
c.JupyterHub.ip = loopback["ip"]
c.JupyterHub.port = loopback["port"]
c.JupyterHub.hub_ip = loopback["ip"]
c.JupyterHub.hub_port = loopback["hub_port"]
c.ConfigurableHTTPProxy.command = loopback["proxy_command"]
c.ConfigurableHTTPProxy.api_url = f"http://{loopback['ip']}:{loopback['proxy_api_port']}"
c.JupyterHub.db_url = "sqlite:///" + os.path.join(loopback["dir"], "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(loopback["dir"], "jupyterhub_cookie_secret")
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(loopback["dir"], "home", "{username}")
c.Spawner.cmd = ["/usr/bin/jupyterhub-singleuser"]
c.Spawner.args = ["--allow-root"]
# In the hub's process group, so that the test stops hub, proxy and server with one signal.
c.Spawner.popen_kwargs = {"start_new_session": False}
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.Spawner.environment = {**values.get("singleuser", {}).get("extraEnv", {}), **loopback["spawner_env"]}
