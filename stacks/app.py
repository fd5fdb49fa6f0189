"""Compose the environments into one cdktf app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Iterable, Optional

from .environment_stack import EnvironmentStack
from .environments import ENVIRONMENTS, DeploySettings, EnvironmentConfig, registry_groups

if TYPE_CHECKING:
    from cdktf import App


def build_app(
    app: App,
    settings: Optional[DeploySettings] = None,
    environments: Iterable[EnvironmentConfig] = ENVIRONMENTS,
) -> Dict[str, EnvironmentStack]:
    """Add one stack per environment to ``app`` and return them by name.

    Registry ownership is settled first (and refused if ambiguous), so that
    every registry's scanning settings have exactly one owning stack.
    """
    settings = settings or DeploySettings.from_environ()
    configured = tuple(settings.apply(environment) for environment in environments)
    groups = registry_groups(configured)
    stacks = {env.name: EnvironmentStack(app, env, settings) for env in configured}
    for owner, members in groups.items():
        stacks[owner].own_registry([stacks[m.name] for m in members if m.name != owner])
    for stack in stacks.values():
        stack.add_repositories()
    return stacks
