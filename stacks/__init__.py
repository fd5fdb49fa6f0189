"""How this repository uses ``cdktf_aws_ecr``: one stack per environment."""

from .app import build_app
from .environment_stack import EnvironmentStack
from .environments import ENVIRONMENTS, DeploySettings, EnvironmentConfig, RepositoryConfig

__all__ = [
    "ENVIRONMENTS",
    "DeploySettings",
    "EnvironmentConfig",
    "EnvironmentStack",
    "RepositoryConfig",
    "build_app",
]
