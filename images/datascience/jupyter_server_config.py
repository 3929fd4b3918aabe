# hubfleet's server config, loaded from /usr/local/etc/jupyter beside the base image's own
# /etc/jupyter config: the tenant's buckets as JupyterLab drives, and CPU in the resource display.
import os

from hubfleet.drives import drive_resources

c = get_config()  # noqa: F821 (defined by Jupyter when it loads this file)

# jupyter-fs: the home volume stays the root of the file browser; each bucket adds a browser.
c.ServerApp.contents_manager_class = "jupyterfs.metamanager.MetaManager"
c.ServerApp.jpserver_extensions.update({"jupyterfs.extension": True})
c.JupyterFs.resources = drive_resources(os.environ)
# A bucket that cannot be opened says why in the Lab, instead of silently missing.
c.JupyterFs.surface_init_errors = True

# Habari's and OpenHexa's servers showed CPU beside memory.
c.ResourceUseDisplay.track_cpu_percent = True
