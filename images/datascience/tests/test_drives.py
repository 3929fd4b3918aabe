"""hubfleet.drives: the JupyterFs resources built from sample environments of each credential form."""

import unittest

from hubfleet.drives import buckets, drive_resources, filesystem_options, has_credentials

HABARI_BUCKETS = {
    "S3_BUCKET_NAME_PUBLIC": "acme-public",
    "S3_BUCKET_NAME_LAKE": "acme-nairobi-lake",
    "S3_BUCKET_NAME_NOTEBOOKS": "acme-nairobi-notebooks",
    "AWS_DEFAULT_REGION": "eu-west-1",
}
ACCESS_KEY = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "not-a-real-secret"}
WEB_IDENTITY = {
    "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/hubfleet/acme-nairobi-notebooks",
    "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/sts.amazonaws.com/serviceaccount/token",
}


class DriveResources(unittest.TestCase):
    def test_access_keys_on_aws_give_three_drives_the_public_one_read_only(self):
        resources = drive_resources({**HABARI_BUCKETS, **ACCESS_KEY})
        self.assertEqual(
            [(r["url"], r["defaultWritable"]) for r in resources],
            [("s3://acme-public", False), ("s3://acme-nairobi-lake", True), ("s3://acme-nairobi-notebooks", True)],
        )
        for resource in resources:
            self.assertEqual(resource["type"], "fsspec")
            self.assertEqual(resource["auth"], "none")
            # AWS S3: no endpoint, the region from the environment.
            self.assertEqual(resource["kwargs"], {"client_kwargs": {"region_name": "eu-west-1"}})
        self.assertEqual([r["name"] for r in resources], ["public (s3:acme-public)", "lake (s3:acme-nairobi-lake)", "notebooks (s3:acme-nairobi-notebooks)"])

    def test_no_secret_reaches_the_server_config(self):
        text = repr(drive_resources({**HABARI_BUCKETS, **ACCESS_KEY}))
        self.assertNotIn("not-a-real-secret", text)
        self.assertNotIn("AKIAEXAMPLE", text)

    def test_web_identity_gives_the_same_drives_without_keys(self):
        with_keys = drive_resources({**HABARI_BUCKETS, **ACCESS_KEY})
        keyless = drive_resources({**HABARI_BUCKETS, **WEB_IDENTITY})
        self.assertEqual(keyless, with_keys)
        self.assertEqual(len(keyless), 3)

    def test_a_role_without_its_token_file_is_no_credential(self):
        self.assertEqual(drive_resources({**HABARI_BUCKETS, "AWS_ROLE_ARN": WEB_IDENTITY["AWS_ROLE_ARN"]}), [])
        self.assertFalse(has_credentials({"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"}))

    def test_minio_endpoint_from_the_estate_uses_path_style(self):
        env = {**HABARI_BUCKETS, **ACCESS_KEY, "AWS_ENDPOINT_URL": "http://minio:9000", "AWS_DEFAULT_REGION": "us-east-1"}
        for resource in drive_resources(env):
            self.assertEqual(
                resource["kwargs"],
                {
                    "endpoint_url": "http://minio:9000",
                    "config_kwargs": {"s3": {"addressing_style": "path"}},
                    "client_kwargs": {"region_name": "us-east-1"},
                },
            )

    def test_s3_endpoint_is_read_when_the_estate_variable_is_absent(self):
        self.assertEqual(filesystem_options({"S3_ENDPOINT": "https://s3.example.org"})["endpoint_url"], "https://s3.example.org")
        self.assertEqual(
            filesystem_options({"S3_ENDPOINT": "https://other", "AWS_ENDPOINT_URL": "http://minio:9000"})["endpoint_url"],
            "http://minio:9000",
        )

    def test_openhexa_bucket_list_adds_writable_drives_once_each(self):
        env = {**ACCESS_KEY, "S3_BUCKET_NAME_LAKE": "lake", "S3_BUCKET_NAMES": " team-a , lake,,team-b "}
        self.assertEqual(buckets(env), [("lake", "lake", True), ("team-a", "team-a", True), ("team-b", "team-b", True)])
        self.assertEqual([r["name"] for r in drive_resources(env)], ["s3:lake", "s3:team-a", "s3:team-b"])

    def test_missing_variables_mean_no_drives_not_a_failing_server(self):
        self.assertEqual(drive_resources({}), [])
        self.assertEqual(drive_resources(ACCESS_KEY), [])
        self.assertEqual(drive_resources({**HABARI_BUCKETS}), [])


if __name__ == "__main__":
    unittest.main()
