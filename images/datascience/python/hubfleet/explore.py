"""The tenant's explore database from Python, with the ``EXPLORE_DB_*`` variables as the estate sets them.

    from hubfleet.explore import explore_engine
    import geopandas
    roads = geopandas.read_postgis("select * from roads", explore_engine(), geom_col="geom")

The password comes from the environment at call time and is never printed or stored.
"""

import os
from urllib.parse import quote

PARTS = ("EXPLORE_DB_HOST", "EXPLORE_DB_PORT", "EXPLORE_DB_NAME", "EXPLORE_DB_USER", "EXPLORE_DB_PASSWORD")


class ExploreDatabaseNotConfigured(RuntimeError):
    """The server has no explore database (the tenant has none, or the variables are missing)."""


def explore_settings(environ=None):
    """Host, port, database, user and password, from the parts or else from ``EXPLORE_DB_URL``."""
    environ = os.environ if environ is None else environ
    if all(environ.get(name) for name in PARTS):
        return {
            "host": environ["EXPLORE_DB_HOST"],
            "port": int(environ["EXPLORE_DB_PORT"]),
            "dbname": environ["EXPLORE_DB_NAME"],
            "user": environ["EXPLORE_DB_USER"],
            "password": environ["EXPLORE_DB_PASSWORD"],
        }
    url = environ.get("EXPLORE_DB_URL")
    if url:
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(url)
        return {
            "host": parts.hostname,
            "port": parts.port or 5432,
            "dbname": unquote(parts.path.lstrip("/")),
            "user": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
        }
    missing = [name for name in PARTS if not environ.get(name)]
    raise ExploreDatabaseNotConfigured("no explore database here: %s not set" % ", ".join(missing))


def explore_url(environ=None, driver="postgresql+psycopg"):
    """A SQLAlchemy URL (psycopg 3 by default; ``postgresql+psycopg2`` for older code)."""
    s = explore_settings(environ)
    return "%s://%s:%s@%s:%d/%s" % (
        driver,
        quote(s["user"], safe=""),
        quote(s["password"], safe=""),
        s["host"],
        s["port"],
        quote(s["dbname"], safe=""),
    )


def explore_engine(environ=None, **engine_options):
    """A SQLAlchemy engine for pandas, geopandas and geoalchemy2."""
    import sqlalchemy

    return sqlalchemy.create_engine(explore_url(environ), **engine_options)


def explore_connect(environ=None):
    """A plain psycopg 3 connection."""
    import psycopg

    s = explore_settings(environ)
    return psycopg.connect(host=s["host"], port=s["port"], dbname=s["dbname"], user=s["user"], password=s["password"])
