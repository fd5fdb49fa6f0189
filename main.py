#!/usr/bin/env python
"""The example app: dev, stage and prod ECR stacks. Run by `cdktf synth` / `cdktf deploy`."""

import cdktf_aws_ecr  # noqa: F401  (first: starts the provider bindings lean)
from cdktf import App

from stacks import build_app


def main() -> None:
    app = App()
    build_app(app)
    app.synth()


if __name__ == "__main__":
    main()
