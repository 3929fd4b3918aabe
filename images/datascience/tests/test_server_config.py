"""jupyter_server_config.py as Jupyter loads it: a traitlets Config from get_config(), the environment of a server."""

import os
import pathlib
import unittest
from unittest import mock

from traitlets.config import Config

CONFIG = pathlib.Path(__file__).resolve().parent.parent / "jupyter_server_config.py"


def load(environ):
    config = Config()
    with mock.patch.dict(os.environ, environ, clear=True):
        exec(compile(CONFIG.read_text(), str(CONFIG), "exec"), {"get_config": lambda: config})
    return config


class ServerConfig(unittest.TestCase):
    def test_enables_jupyter_fs_with_the_buckets_of_the_environment(self):
        config = load(
            {
                "S3_BUCKET_NAME_LAKE": "acme-lake",
                "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/x",
                "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token",
            }
        )
        self.assertEqual(config.ServerApp.contents_manager_class, "jupyterfs.metamanager.MetaManager")
        # A lazy update: merged into whatever other config files enable.
        self.assertEqual(config.ServerApp.jpserver_extensions.get_value({"other": True}), {"other": True, "jupyterfs.extension": True})
        self.assertEqual([r["url"] for r in config.JupyterFs.resources], ["s3://acme-lake"])
        self.assertTrue(config.ResourceUseDisplay.track_cpu_percent)

    def test_starts_without_storage_variables(self):
        self.assertEqual(load({}).JupyterFs.resources, [])


if __name__ == "__main__":
    unittest.main()
