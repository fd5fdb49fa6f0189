"""IAM policies the library writes: one statement model (:mod:`.statement`) for repository
policies, the registry policy and the registry-login identity policy."""
