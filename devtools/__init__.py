"""Developer tooling for this repository: Terraform set-up, local AWS endpoint,
local deploy rehearsal, benchmarks. Not part of the ``cdktf_aws_ecr`` library."""
