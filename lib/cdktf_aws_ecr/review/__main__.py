"""``python -m cdktf_aws_ecr.review``: see :mod:`cdktf_aws_ecr.review.cli`."""

import sys

from .cli import main

sys.exit(main())
