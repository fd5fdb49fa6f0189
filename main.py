#!/usr/bin/env python
"""The example app: dev, stage and prod ECR stacks. Run by `cdktf synth` / `cdktf deploy`."""

# First: starts the provider bindings lean; the framework is the one installed (cdktf or cdktn).
from cdktf_aws_ecr.framework import framework

from stacks import build_app


def main() -> None:
    app = framework().App()
    build_app(app)
    app.synth()


if __name__ == "__main__":
    main()
