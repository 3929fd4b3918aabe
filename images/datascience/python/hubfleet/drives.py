"""The tenant's buckets as drives in JupyterLab's file browser (jupyter-fs over fsspec/s3fs).

Built from the environment the estate gives every notebook server, at each server start:

- buckets: ``S3_BUCKET_NAME_PUBLIC``, ``S3_BUCKET_NAME_LAKE``, ``S3_BUCKET_NAME_NOTEBOOKS``
  (Habari's names) and the comma-separated ``S3_BUCKET_NAMES`` (OpenHexa's);
- endpoint: ``AWS_ENDPOINT_URL`` (MinIO on local stacks; absent for AWS S3), or ``S3_ENDPOINT``;
- credentials: never read here. s3fs asks botocore's default chain, which takes an access key
  (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``) or web identity (``AWS_ROLE_ARN`` with
  ``AWS_WEB_IDENTITY_TOKEN_FILE``), so no secret is ever copied into the server's config.

Unlike the seed's config, a missing variable means fewer drives, never a server that fails to start.
"""

import os

# The seed's three roles; the public bucket is shared by every tenant and only read.
NAMED_BUCKETS = (
    ("S3_BUCKET_NAME_PUBLIC", "public", False),
    ("S3_BUCKET_NAME_LAKE", "lake", True),
    ("S3_BUCKET_NAME_NOTEBOOKS", "notebooks", True),
)


def _value(environ, name):
    return (environ.get(name) or "").strip()


def has_credentials(environ):
    """Whether botocore's default chain will find a credential in this environment."""
    keys = _value(environ, "AWS_ACCESS_KEY_ID") and _value(environ, "AWS_SECRET_ACCESS_KEY")
    web_identity = _value(environ, "AWS_ROLE_ARN") and _value(environ, "AWS_WEB_IDENTITY_TOKEN_FILE")
    return bool(keys or web_identity)


def s3_endpoint(environ):
    """The S3 API endpoint of an S3-compatible store, or None for AWS S3."""
    return _value(environ, "AWS_ENDPOINT_URL") or _value(environ, "S3_ENDPOINT") or None


def filesystem_options(environ):
    """Options for s3fs.S3FileSystem: only where to connect, never who connects."""
    options = {}
    endpoint = s3_endpoint(environ)
    if endpoint:
        options["endpoint_url"] = endpoint
        # MinIO and most S3-compatible stores serve buckets as paths, not as host names.
        options["config_kwargs"] = {"s3": {"addressing_style": "path"}}
    region = _value(environ, "AWS_DEFAULT_REGION") or _value(environ, "AWS_REGION")
    if region:
        options["client_kwargs"] = {"region_name": region}
    return options


def buckets(environ):
    """(bucket, label, writable) for every bucket named in the environment, each once, in order."""
    found = []
    seen = set()
    for variable, label, writable in NAMED_BUCKETS:
        name = _value(environ, variable)
        if name and name not in seen:
            seen.add(name)
            found.append((name, label, writable))
    for name in _value(environ, "S3_BUCKET_NAMES").split(","):
        name = name.strip()
        if name and name not in seen:
            seen.add(name)
            found.append((name, name, True))
    return found


def drive_resources(environ=None):
    """The ``JupyterFs.resources`` list for this environment; empty without buckets or credentials."""
    environ = os.environ if environ is None else environ
    if not has_credentials(environ):
        return []
    options = filesystem_options(environ)
    return [
        {
            "name": "s3:%s" % label if label == name else "%s (s3:%s)" % (label, name),
            "url": "s3://%s" % name,
            "type": "fsspec",
            # No {{templates}} in the url: nothing to ask the user.
            "auth": "none",
            "defaultWritable": writable,
            "kwargs": dict(options),
        }
        for name, label, writable in buckets(environ)
    ]
