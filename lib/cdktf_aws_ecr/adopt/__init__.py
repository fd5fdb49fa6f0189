"""``python -m cdktf_aws_ecr.adopt``: read a live registry and write the code that adopts it.

Reads the repositories (and their policies and tags) and the registry's settings with
boto3, decides how the library declares each (typed where it maps exactly, as written
where it does not), and says what the first apply will change. Pure Python: no jsii.
"""
