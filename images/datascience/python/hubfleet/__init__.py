"""hubfleet's helpers in the datascience image: the explore database and the S3 drives."""
