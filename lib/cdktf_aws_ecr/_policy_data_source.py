"""A repository policy document written into its ``aws_iam_policy_document`` data source.

:class:`~cdktf_aws_ecr.Repository` and the registry's creation templates both
turn a :class:`~cdktf_aws_ecr.access.RepositoryPolicyDocument` into Terraform
this way, so both get the same blocks and the same guards.
"""

from __future__ import annotations

from typing import Any

from ._framework import Postcondition, TerraformResourceLifecycle
from .access import RepositoryPolicyDocument


def write_policy_document(
    data_source: Any, document: RepositoryPolicyDocument
) -> None:
    """Write ``document``'s statements, and the postconditions its guards need, into
    ``data_source``; call it again after every change to the document.

    An override keeps the blocks intact (plain nested dicts given to the struct
    argument are not) and costs one jsii round trip, where a lazy value costs
    four. The statements are checked by the synth-time checks of their owner.
    """
    data_source.add_override("statement", document.blocks())
    guards = document.guards()
    if guards:
        data_source.lifecycle = TerraformResourceLifecycle(postcondition=[
            Postcondition(condition=condition, error_message=message)
            for condition, message in guards
        ])
