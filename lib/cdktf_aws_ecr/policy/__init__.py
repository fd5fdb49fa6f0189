"""IAM policies the library writes, on one statement model (:mod:`.statement`)."""
