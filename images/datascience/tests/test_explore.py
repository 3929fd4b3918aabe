"""hubfleet.explore: the explore database from the EXPLORE_DB_* variables as the estate sets them."""

import unittest

from hubfleet.explore import ExploreDatabaseNotConfigured, explore_settings, explore_url

ENV = {
    "EXPLORE_DB_HOST": "10.32.0.5",
    "EXPLORE_DB_PORT": "5432",
    "EXPLORE_DB_NAME": "explore",
    "EXPLORE_DB_USER": "explore",
    "EXPLORE_DB_PASSWORD": "p@ss:w/rd",
    "EXPLORE_DB_URL": "postgresql://explore:p%40ss%3Aw%2Frd@10.32.0.5:5432/explore",
}


class Explore(unittest.TestCase):
    def test_parts_give_the_connection_settings(self):
        self.assertEqual(
            explore_settings(ENV),
            {"host": "10.32.0.5", "port": 5432, "dbname": "explore", "user": "explore", "password": "p@ss:w/rd"},
        )

    def test_url_alone_gives_the_same_settings(self):
        only_url = {"EXPLORE_DB_URL": ENV["EXPLORE_DB_URL"]}
        self.assertEqual(explore_settings(only_url), explore_settings(ENV))

    def test_sqlalchemy_url_escapes_the_password(self):
        self.assertEqual(explore_url(ENV), "postgresql+psycopg://explore:p%40ss%3Aw%2Frd@10.32.0.5:5432/explore")
        self.assertTrue(explore_url(ENV, driver="postgresql+psycopg2").startswith("postgresql+psycopg2://"))

    def test_no_database_is_a_clear_error_naming_the_variables(self):
        with self.assertRaises(ExploreDatabaseNotConfigured) as raised:
            explore_settings({"EXPLORE_DB_HOST": "h"})
        self.assertIn("EXPLORE_DB_PASSWORD", str(raised.exception))
        self.assertNotIn("EXPLORE_DB_HOST,", str(raised.exception))


if __name__ == "__main__":
    unittest.main()
