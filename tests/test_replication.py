"""Replication: merging repository requests and registry-level rules into one configuration.

GIVEN / WHEN / THEN. Pure model tests, plus one synth test that feeds the
plan to the provider binding the way the registry owner does (``Lazy``).
"""

from __future__ import annotations

import json
import string
from typing import Any, Callable, Dict, List, Sequence

import jsii
from cdktf import IAnyProducer, IResolveContext, Lazy, TerraformStack
from conftest import only, resources_of, synth_json
from refusals import assert_refused

from cdktf_aws_ecr.registry.destinations import DestinationRegistry, ReplicationDestination
from cdktf_aws_ecr.registry.replication_planner import (
    OverCoverage,
    PlannedRule,
    ReplicationRule,
    plan_replication,
)

SOURCE = "111111111111"
OTHER = "222222222222"
D = ReplicationDestination


def destination(region: str, account: str = SOURCE) -> Dict[str, str]:
    return {"region": region, "registry_id": account}


def rule(destinations: Sequence[Dict[str, str]], *filters: str) -> Dict[str, Any]:
    block: Dict[str, Any] = {"destination": list(destinations)}
    if filters:
        block["repository_filter"] = [
            {"filter": f, "filter_type": "PREFIX_MATCH"} for f in filters
        ]
    return block


def plan(**kwargs: Any) -> Any:
    kwargs.setdefault("source_account_id", SOURCE)
    kwargs.setdefault("source_region", "us-east-1")
    return plan_replication(**kwargs)


def nine_registry_rules() -> List[ReplicationRule]:
    """Registry-level rules that leave one rule for repository requests."""
    return [ReplicationRule([f"fixed{i}"], [D("eu-west-1")]) for i in range(9)]


# --- destinations and registry-level rules -------------------------------------------


def test_destination_defaults_to_the_source_account() -> None:
    # GIVEN a destination without an account
    # WHEN it is resolved for a source account
    resolved = D("eu-west-1").resolve(SOURCE)
    # THEN the destination registry is the source account in that region
    assert resolved == DestinationRegistry("eu-west-1", SOURCE)


def test_destination_refuses_a_bad_region_and_account() -> None:
    assert_refused(lambda: D("EU-West-1"), "region", "not an AWS region code", "'EU-West-1'")
    assert_refused(lambda: D("eusc-de-east-1"), "region", "not an AWS region code")
    assert_refused(lambda: D(42), "region", "is an int")  # type: ignore[arg-type]
    assert_refused(
        lambda: D("eu-west-1", "12345678901"), "account_id", "not a 12-digit account ID"
    )


def test_registry_rule_refusals() -> None:
    assert_refused(lambda: ReplicationRule("prod", [D("eu-west-1")]), "prefixes", "is not a list")
    assert_refused(
        lambda: ReplicationRule(["Prod"], [D("eu-west-1")]),
        "prefixes",
        "holds 'Prod', which is not a valid filter",
    )
    assert_refused(
        lambda: ReplicationRule(["p"], [D("eu-west-1")]), "prefixes", "holds 'p'", "2-256"
    )
    assert_refused(
        lambda: ReplicationRule(["prod", "prod"], [D("eu-west-1")]), "prefixes", "repeats ['prod']"
    )
    assert_refused(
        lambda: ReplicationRule([f"p{i:03d}" for i in range(101)], [D("eu-west-1")]),
        "prefixes",
        "has 101",
        "at most 100 prefixes per replication rule",
    )
    assert_refused(lambda: ReplicationRule(["prod"], []), "destinations", "has 0", "1 to 25")
    assert_refused(
        lambda: ReplicationRule(["prod"], [D("eu-west-1"), D("eu-west-1")]),
        "destinations",
        "repeats ['source account/eu-west-1']",
    )
    assert_refused(
        lambda: ReplicationRule(["prod"], ["eu-west-1"]),  # type: ignore[list-item]
        "destinations",
        "holds a str",
    )


# --- merging ------------------------------------------------------------------------


def test_one_repository_one_destination() -> None:
    # GIVEN one repository that asks for one other region
    # WHEN the configuration is planned
    result = plan(requests={"payments/api": [D("us-west-2")]})
    # THEN it is one rule with the repository name as its only filter
    assert result.replication_configuration() == {
        "rule": [rule([destination("us-west-2")], "payments/api")]
    }
    assert result.over_coverage == ()
    assert result.cross_account_destinations == ()


def test_repositories_with_identical_destination_sets_share_a_rule() -> None:
    # GIVEN three repositories, two asking for the same two destinations in another order
    requests = {
        "web": [D("us-west-2"), D("eu-west-1", OTHER)],
        "api": [D("eu-west-1", OTHER), D("us-west-2")],
        "batch": [D("us-west-2")],
    }
    # WHEN the configuration is planned
    result = plan(requests=requests)
    # THEN the two share a rule; rules and their lists are sorted
    assert result.rule_blocks() == [
        rule([destination("eu-west-1", OTHER), destination("us-west-2")], "api", "web"),
        rule([destination("us-west-2")], "batch"),
    ]
    assert result.destinations == (
        DestinationRegistry("eu-west-1", OTHER),
        DestinationRegistry("us-west-2", SOURCE),
    )
    assert result.cross_account_destinations == (DestinationRegistry("eu-west-1", OTHER),)


def test_registry_rules_come_first_and_cover_requests() -> None:
    # GIVEN a registry rule for "prod" to eu-west-1 and one for everything to ap-south-1
    rules = [
        ReplicationRule(["prod"], [D("eu-west-1")]),
        ReplicationRule([], [D("ap-south-1")]),
    ]
    # AND requests: one fully covered, one partly covered, one not covered
    requests = {
        "prod-api": [D("eu-west-1")],
        "prod-web": [D("eu-west-1"), D("us-west-2")],
        "dev-api": [D("ap-south-1")],
    }
    # WHEN the configuration is planned
    result = plan(rules=rules, requests=requests)
    # THEN the registry rules are kept as written (the catch-all without filters),
    # and only the uncovered destination gets a merged rule
    assert result.rule_blocks() == [
        rule([destination("eu-west-1")], "prod"),
        rule([destination("ap-south-1")]),
        rule([destination("us-west-2")], "prod-web"),
    ]
    assert [r.from_registry_rule for r in result.rules] == [True, True, False]


def test_a_name_covered_by_a_shorter_requested_name_adds_no_filter() -> None:
    # GIVEN "api" and "api-v2" both asking for the same destination
    result = plan(requests={"api": [D("us-west-2")], "api-v2": [D("us-west-2")]})
    # THEN "api" already matches "api-v2" (PREFIX_MATCH), so one filter is enough
    assert result.rule_blocks() == [rule([destination("us-west-2")], "api")]
    assert result.over_coverage == ()


def test_repositories_without_destinations_are_ignored() -> None:
    result = plan(requests={"api": [], "web": [D("us-west-2")]})
    assert result.rule_blocks() == [rule([destination("us-west-2")], "web")]


def test_no_requests_and_no_rules_give_an_empty_configuration() -> None:
    assert plan().replication_configuration() == {"rule": []}


def test_over_coverage_of_app_repositories_is_reported() -> None:
    # GIVEN "api" asks for us-west-2, "api-gateway" asks for nothing, "api-admin" asks
    # for us-west-2 too, and "prod-api" is covered by a registry rule to us-west-2
    result = plan(
        rules=[ReplicationRule(["prod"], [D("us-west-2")])],
        requests={"api": [D("us-west-2")], "api-admin": [D("us-west-2")]},
        known_repositories=["api-gateway", "prod-api", "other", "api"],
    )
    # THEN only "api-gateway" is replicated without having asked for it
    assert result.over_coverage == (
        OverCoverage("api-gateway", (DestinationRegistry("us-west-2", SOURCE),), ("api",)),
    )
    assert str(result.over_coverage[0]) == "api-gateway -> 111111111111/us-west-2 (filter api)"


def test_over_coverage_between_requests_with_different_destinations() -> None:
    # GIVEN "api" wants eu-west-1 and "api-v2" wants us-west-2
    result = plan(requests={"api": [D("eu-west-1")], "api-v2": [D("us-west-2")]})
    # THEN "api-v2" also gets eu-west-1 through the filter "api"
    assert result.rule_blocks() == [
        rule([destination("eu-west-1")], "api"),
        rule([destination("us-west-2")], "api-v2"),
    ]
    assert result.over_coverage == (
        OverCoverage("api-v2", (DestinationRegistry("eu-west-1", SOURCE),), ("api",)),
    )


def test_many_repositories_are_split_over_rules_without_widening() -> None:
    # GIVEN 250 repositories asking for the same destination (100 filters per rule)
    names = [f"svc{i:03d}" for i in range(250)]
    # WHEN planned
    result = plan(requests={n: [D("us-west-2")] for n in names})
    # THEN three rules hold them exactly, in order, none merged into a prefix
    assert [len(r.filters) for r in result.rules] == [84, 84, 82]
    assert [f for r in result.rules for f in r.filters] == names
    assert {r.destinations for r in result.rules} == {(DestinationRegistry("us-west-2", SOURCE),)}
    assert result.over_coverage == ()


def test_many_destination_sets_fall_back_to_one_rule_per_destination() -> None:
    # GIVEN 10 repositories asking for the 10 pairs of 5 regions, and one for 3 regions
    regions = ["ap-south-1", "eu-west-1", "eu-west-2", "us-east-2", "us-west-2"]
    pairs = [(a, b) for i, a in enumerate(regions) for b in regions[i + 1 :]]
    requests = {f"repo-{i:02d}": [D(a), D(b)] for i, (a, b) in enumerate(pairs)}
    requests["repo-10"] = [D(regions[0]), D(regions[1]), D(regions[2])]
    # WHEN planned (11 distinct sets do not fit in 10 rules)
    result = plan(requests=requests)
    # THEN there is one rule per destination, listing who needs it
    needing = {
        region: sorted(n for n, wanted in requests.items() if D(region) in wanted)
        for region in regions
    }
    assert result.rule_blocks() == [
        rule([destination(region)], *needing[region]) for region in regions
    ]
    assert result.over_coverage == ()


def test_compaction_merges_the_most_specific_prefixes_first() -> None:
    # GIVEN one rule left and 120 repositories in two namespaces
    names = [f"alpha/s{i:02d}" for i in range(60)] + [f"beta/s{i:02d}" for i in range(60)]
    # WHEN planned
    result = plan(rules=nine_registry_rules(), requests={n: [D("us-west-2")] for n in names})
    # THEN three 10-name blocks of "alpha" are merged into longer prefixes (93 filters)
    merged = result.rules[-1]
    assert merged.filters == tuple(
        ["alpha/s0", "alpha/s1", "alpha/s2"]
        + [f"alpha/s{i:02d}" for i in range(30, 60)]
        + [f"beta/s{i:02d}" for i in range(60)]
    )
    assert result.over_coverage == ()


def test_compaction_avoids_prefixes_that_match_other_app_repositories() -> None:
    # GIVEN the same 120 repositories, and an app repository "alpha/s0-legacy" that
    # asks for no replication
    names = [f"alpha/s{i:02d}" for i in range(60)] + [f"beta/s{i:02d}" for i in range(60)]
    result = plan(
        rules=nine_registry_rules(),
        requests={n: [D("us-west-2")] for n in names},
        known_repositories=["alpha/s0-legacy"],
    )
    # THEN "alpha/s0" is not used: it would replicate "alpha/s0-legacy"
    assert result.rules[-1].filters == tuple(
        [f"alpha/s{i:02d}" for i in range(10)]
        + ["alpha/s1", "alpha/s2", "alpha/s3"]
        + [f"alpha/s{i:02d}" for i in range(40, 60)]
        + [f"beta/s{i:02d}" for i in range(60)]
    )
    assert result.over_coverage == ()


def two_letter_names(count: int) -> List[str]:
    """Names that share no 2-character prefix (so they cannot be merged)."""
    letters = string.ascii_lowercase
    return [a + b for a in letters for b in letters if a != "z"][:count]


def test_unavoidable_over_coverage_is_reported() -> None:
    # GIVEN 99 unmergeable names plus "zz1" and "zz2", whose only merge "zz" also
    # matches the app repository "zz-old"
    names = two_letter_names(99) + ["zz1", "zz2"]
    # WHEN planned with one rule left
    result = plan(
        rules=nine_registry_rules(),
        requests={n: [D("us-west-2")] for n in names},
        known_repositories=["zz-old"],
    )
    # THEN the rule holds 100 filters and "zz-old" is reported
    assert result.rules[-1].filters == tuple(two_letter_names(99) + ["zz"])
    assert result.over_coverage == (
        OverCoverage("zz-old", (DestinationRegistry("us-west-2", SOURCE),), ("zz",)),
    )


def test_destination_policy_statements_for_cross_account_destinations() -> None:
    # GIVEN replication to the same account in us-west-2 and another account in eu-west-1
    result = plan(requests={"api": [D("us-west-2"), D("eu-west-1", OTHER)]})
    # WHEN the destination registries' policy statements are asked for
    statements = result.destination_policy_statements()
    # THEN only the other account gets one: the source account may replicate and create
    assert list(statements) == [DestinationRegistry("eu-west-1", OTHER)]
    assert statements[DestinationRegistry("eu-west-1", OTHER)].document() == {
        "Sid": "AllowReplicationFrom111111111111",
        "Effect": "Allow",
        "Principal": {"AWS": ["arn:aws:iam::111111111111:root"]},
        "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
        "Resource": ["arn:aws:ecr:eu-west-1:222222222222:repository/*"],
    }


# --- refusals -----------------------------------------------------------------------


def test_replicating_to_the_source_registry_is_refused() -> None:
    assert_refused(
        lambda: plan(requests={"api": [D("us-east-1")]}),
        "replicate_to",
        "(repository 'api') is the source registry itself (111111111111/us-east-1)",
    )
    assert_refused(
        lambda: plan(rules=[ReplicationRule(["api"], [D("us-east-1", SOURCE)])]),
        "destinations",
        "(rule ['api']) is the source registry itself",
    )


def test_a_registry_rule_naming_one_destination_twice_is_refused() -> None:
    assert_refused(
        lambda: plan(rules=[ReplicationRule(["api"], [D("eu-west-1"), D("eu-west-1", SOURCE)])]),
        "destinations",
        "(rule ['api']) names the source account both implicitly and explicitly",
    )


def test_replicating_across_partitions_is_refused() -> None:
    assert_refused(
        lambda: plan(requests={"api": [D("cn-north-1", OTHER)]}),
        "replicate_to",
        "is in partition aws-cn, and the source region us-east-1 is in partition aws",
    )


def test_request_refusals() -> None:
    assert_refused(lambda: plan(requests=[("api", [])]), "replicate_to", "is not a mapping")
    assert_refused(
        lambda: plan(requests={"Api": [D("us-west-2")]}), "replicate_to", "'Api'", "not a valid filter"
    )
    assert_refused(
        lambda: plan(requests={"api": [D("us-west-2"), D("us-west-2")]}),
        "replicate_to",
        "repeats",
    )
    assert_refused(
        lambda: plan(requests={"api": D("us-west-2")}), "replicate_to", "is not a list"
    )
    assert_refused(
        lambda: plan(rules=[["prod"]]), "replication_rules", "a list of ReplicationRule"
    )
    assert_refused(lambda: plan(source_account_id="acct"), "source_account_id", "12-digit")
    assert_refused(lambda: plan(source_region="Moon-1"), "source_region", "region code")


def all_regions(count: int) -> List[str]:
    return [f"us-test-{i}" for i in range(1, count + 1)]


def test_more_than_25_unique_destinations_are_refused() -> None:
    # GIVEN repositories asking for 26 different regions together
    requests = {f"repo-{i:02d}": [D(r)] for i, r in enumerate(all_regions(26))}
    # THEN the requests are refused, naming AWS's limit
    assert_refused(
        lambda: plan(requests=requests),
        "replicate_to",
        "would make 26 unique destinations",
        "at most 25 unique destinations (account + region) across all replication rules",
    )


def test_more_than_25_unique_destinations_in_registry_rules_are_refused() -> None:
    regions = all_regions(26)
    rules = [ReplicationRule(["aa"], [D(r) for r in regions[:13]]),
             ReplicationRule(["bb"], [D(r) for r in regions[13:]])]
    assert_refused(lambda: plan(rules=rules), "replication_rules", "would make 26")


def test_more_than_10_registry_rules_are_refused() -> None:
    rules = [ReplicationRule([f"p{i:02d}"], [D("eu-west-1")]) for i in range(11)]
    assert_refused(
        lambda: plan(rules=rules), "replication_rules", "=11", "at most 10 replication rules"
    )


def test_too_many_rules_for_the_requests_left_is_refused() -> None:
    # GIVEN one rule left and two repositories with different single destinations
    requests = {"api": [D("us-west-2")], "web": [D("ap-south-1")]}
    # THEN neither grouping fits, and the error says so for both
    assert_refused(
        lambda: plan(rules=nine_registry_rules(), requests=requests),
        "replicate_to",
        "grouped by identical destination sets, they need 2 rules and 1 are left",
        "grouped by destination, they need 2 rules and 1 are left",
        "9 are registry-level rules",
    )


def test_names_that_cannot_be_merged_are_refused() -> None:
    # GIVEN 101 names without any common 2-character prefix and one rule left
    requests = {n: [D("us-west-2")] for n in two_letter_names(101)}
    # THEN they cannot be written as 100 filters
    assert_refused(
        lambda: plan(rules=nine_registry_rules(), requests=requests),
        "replicate_to",
        "repositories replicating to {111111111111/us-west-2}",
        "their 101 names share no common prefix of 2+ characters left to merge into 100 filters",
    )


# --- tokens and the provider binding ------------------------------------------------


@jsii.implements(IAnyProducer)
class Produce:
    def __init__(self, value: Callable[[], Any]) -> None:
        self._value = value

    def produce(self, context: IResolveContext) -> Any:
        return self._value()


def test_token_names_and_accounts_are_passed_through() -> None:
    # GIVEN a repository name and a destination account that are unresolved tokens
    name = Lazy.string_value(Produce(lambda: "late-repo"))
    account = Lazy.string_value(Produce(lambda: OTHER))
    # WHEN planned
    result = plan(requests={name: [D("us-west-2", account)], "api": [D("us-west-2", account)]})
    # THEN the token name is an opaque filter next to the literal one
    (merged,) = result.rules
    assert merged.filters == ("api", name)
    assert merged.destinations == (DestinationRegistry("us-west-2", account),)


def test_rules_synthesize_through_a_lazy_value(stack: TerraformStack) -> None:
    # GIVEN a plan with a registry rule and a merged rule
    from cdktf_cdktf_provider_aws.ecr_replication_configuration import (
        EcrReplicationConfiguration,
    )

    result = plan(
        rules=[ReplicationRule([], [D("eu-west-1")])],
        requests={"api": [D("us-west-2", OTHER)]},
    )
    # WHEN the owner passes the rules as a Lazy value (plain dicts in a list
    # would be read as jsii structs, whose keys are camelCase)
    EcrReplicationConfiguration(
        stack,
        "replication",
        replication_configuration={"rule": Lazy.any_value(Produce(result.rule_blocks))},
    )
    # THEN the synthesized resource holds exactly the planned blocks
    resource = only(resources_of(synth_json(stack), "aws_ecr_replication_configuration"))
    assert resource["replication_configuration"] == {
        "rule": [
            rule([destination("eu-west-1")]),
            rule([destination("us-west-2", OTHER)], "api"),
        ]
    }
    assert json.dumps(resource["replication_configuration"]) == json.dumps(
        result.replication_configuration()
    )
    assert isinstance(result.rules[0], PlannedRule)
