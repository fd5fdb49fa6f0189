"""``python -m cdktf_aws_ecr.preview``: the lifecycle preview command
(:mod:`cdktf_aws_ecr.lifecycle.preview`)."""

import sys

from .lifecycle.preview import main

if __name__ == "__main__":
    sys.exit(main())
