"""Property-based testing of every ``Repository`` input (hypothesis).

Strategies mix valid values, near misses, arbitrary text and wrong types
(None, ints, floats incl. NaN, bools, bytes, lists for strings, dicts...). An
oracle written from AWS's documented rules, independently of the library,
says which given inputs are invalid. For every example exactly one holds:

(a) construction raises ``ValidationError`` whose ``parameter`` is one of the
    given, invalid inputs and appears in the message, and nothing was added
    to the tree; or
(b) construction succeeds and synth raises ``ValidationError`` naming one of
    the given, invalid inputs (what depends on the provider: a KMS key of
    another region, a principal of another partition); or
(c) every input is valid, the stack synthesizes, and the output is valid
    Terraform JSON (checked in-process: blocks, references, no nulls, and the
    inputs' values where they belong).

Any other exception fails the example. A diverse sample of (b) cases is then
checked by the real ``terraform validate`` and applied to the local AWS
endpoint (moto), where the repositories are read back.

Profiles: ``ci`` (the default: fixed seed, bounded examples, well under 90 s)
and ``long`` (2,000 examples, random seed), for local runs::

    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_properties.py
"""

from __future__ import annotations

import json
import os
import re
import string
from collections.abc import Mapping as AbcMapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Dict, List, Optional, Tuple

import boto3
import pytest
from cdktf import TerraformStack, Testing
from cdktf_cdktf_provider_aws.provider import AwsProvider
from conftest import AWS_CONSTRAINT
from hypothesis import HealthCheck, example, given, settings, strategies as st

from cdktf_aws_ecr import (
    EncryptionType,
    ImageTagMutability,
    Repository,
    ScanFrequency,
    ValidationError,
)
from devtools import terraform as tf

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=600,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# Generated inputs set force_delete=True and several prefixes freely; the warnings they
# draw are tested elsewhere.
pytestmark = [
    pytest.mark.filterwarnings("ignore::cdktf_aws_ecr.DestroyableRepositoryWarning"),
    pytest.mark.filterwarnings("ignore::cdktf_aws_ecr.LifecycleTagPrefixListWarning"),
]

#: A region no other test deploys to, so applying samples to the shared moto
#: server cannot touch anyone else's registry settings.
REGION = "ap-southeast-2"
PARTITION = "aws"
MAX_COUNT = 2**31 - 1
TERRAFORM_SAMPLES = 5

# --------------------------------------------------------------------------------------
# The oracle: AWS's rules (and the library's documented refusals), stated here.

ECR_NAME = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
DOCKER_TAG_PREFIX = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_IAM = r"[A-Za-z0-9_+=,.@-]"
IAM_PRINCIPAL = re.compile(
    rf"\d{{12}}|arn:{PARTITION}:iam::\d{{12}}:(?:root|(?P<kind>role|user)(?P<path>/(?:{_IAM}+/)*){_IAM}{{1,64}})"
    rf"|arn:{PARTITION}:sts::\d{{12}}:(?:assumed-role/{_IAM}{{1,64}}/{_IAM}{{2,64}}|federated-user/{_IAM}{{2,32}})",
    re.ASCII,
)
IAM_MAX_PATH = 512
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
KMS_KEY_ARN = re.compile(rf"arn:{PARTITION}:kms:{REGION}:\d{{12}}:key/(?:{UUID}|mrk-[0-9a-f]{{32}})", re.ASCII)


def valid_name(v: Any) -> bool:
    return type(v) is str and 2 <= len(v) <= 256 and bool(ECR_NAME.fullmatch(v))


def valid_choice(v: Any, enum_type: type) -> bool:
    if isinstance(v, enum_type):
        return True
    return type(v) is str and v in {m.value for m in enum_type}


def valid_bool(v: Any) -> bool:
    return type(v) is bool


def valid_count(v: Any) -> bool:
    return type(v) is int and 1 <= v <= MAX_COUNT


def string_list(v: Any) -> Optional[List[str]]:
    if type(v) not in (list, tuple) or any(type(i) is not str for i in v):
        return None
    return list(v) if len(set(v)) == len(v) else None


def valid_prefixes(v: Any, lifecycle_on: bool) -> bool:
    items = string_list(v)
    if items is None or not all(DOCKER_TAG_PREFIX.fullmatch(i) for i in items):
        return False
    if lifecycle_on:
        # ECR needs a prefix for a tagged rule, and a policy of at most 30,720
        # characters. Generated lists are far below (< 2,000) or far above it.
        return bool(items) and sum(len(i) + 3 for i in items) < 25_000
    return True


def valid_principal(p: str) -> bool:
    match = IAM_PRINCIPAL.fullmatch(p)
    return bool(match) and len(match.group("path") or "/") <= IAM_MAX_PATH


def valid_principals(v: Any) -> bool:
    items = string_list(v)
    return items is not None and all(valid_principal(i) for i in items)


def valid_kms(v: Any) -> bool:
    return v is None or (type(v) is str and bool(KMS_KEY_ARN.fullmatch(v)))


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "TfToken[" not in text  # cdktf's token marker: text that pretends to be a token


def valid_tags(v: Any) -> bool:
    # ECR's Tag type: keys 1-128 and values 0-256 characters, no pattern
    # (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Tag.html).
    if not isinstance(v, AbcMapping) or len(v) > 50:
        return False
    for key, value in v.items():
        if type(key) is not str or type(value) is not str:
            return False
        if not (1 <= len(key) <= 128 and _utf8(key)) or key.lower().startswith("aws:"):
            return False
        if key == "__proto__":  # legal in AWS, but the jsii kernel refuses it as a map key
            return False
        if not (len(value) <= 256 and _utf8(value)):
            return False
    return True


def terraform_literal(text: str) -> str:
    """How Terraform JSON spells literal text: ``${`` and ``%{`` doubled."""
    return text.replace("${", "$${").replace("%{", "%%{")


def invalid_inputs(kwargs: Dict[str, Any]) -> set:
    lifecycle_on = kwargs.get("enable_lifecycle_policy", True) is not False
    checks = {
        "name": valid_name,
        # The *_WITH_EXCLUSION modes need exclusion filters, never drawn here (and the 6.x lines)
        "image_tag_mutability": lambda v: valid_choice(v, ImageTagMutability)
        and "WITH_EXCLUSION" not in str(getattr(v, "value", v)),
        "enhanced_scan_frequency": lambda v: valid_choice(v, ScanFrequency),
        "encryption_type": lambda v: valid_choice(v, EncryptionType),
        "scan_on_push": valid_bool,
        "enhanced_scanning": valid_bool,
        "force_delete": valid_bool,
        "enable_lifecycle_policy": valid_bool,
        "prevent_destroy": lambda v: v is None or valid_bool(v),
        "untagged_image_expiry_days": valid_count,
        "max_tagged_image_count": valid_count,
        "lifecycle_tag_prefix_list": lambda v: valid_prefixes(v, lifecycle_on),
        "pull_principal_arns": valid_principals,
        "push_principal_arns": valid_principals,
        "kms_key_arn": valid_kms,
        "tags": valid_tags,
    }
    return {name for name, value in kwargs.items() if not checks[name](value)}


# --------------------------------------------------------------------------------------
# Strategies: valid values, near misses, arbitrary values and wrong types, mixed.

WRONG_TYPES = st.sampled_from(
    [None, 0, 1, -1, 7, 2.5, 1.0, float("nan"), float("inf"), -0.0, True, False,
     b"ab", bytearray(b"ab"), "", [], ["ab"], (), {}, {"a": "b"}, set(), frozenset({"a"})]
)
FORGED_TOKENS = st.sampled_from(
    ["${TfToken[TOKEN.98765432]}", "#{TfToken[TOKEN.98765432]}", 'x${"y"}', "${var.x}", "%{if x}y%{endif}"]
)
TEXT = st.text(st.characters(codec="utf-8"), max_size=24)


#: Each input's valid values, and its mix of valid and invalid ones.
VALID: Dict[str, Any] = {}
ANY: Dict[str, Any] = {}


def mixed(valid, near_miss=st.nothing(), extra=st.nothing()):
    return st.one_of(valid, valid, near_miss, TEXT, FORGED_TOKENS, WRONG_TYPES, extra)


def register(parameters: Tuple[str, ...], valid, near_miss=st.nothing(), extra=st.nothing()):
    for parameter in parameters:
        VALID[parameter] = valid
        ANY[parameter] = mixed(valid, near_miss, extra)


_segment = st.from_regex(r"[a-z0-9]{1,8}(?:[._-][a-z0-9]{1,6}){0,2}", fullmatch=True)
_valid_names = st.lists(_segment, min_size=1, max_size=4).map("/".join)
register(
    ("name",),
    _valid_names,
    near_miss=st.one_of(
        st.sampled_from(["a", "A1", "ab/", "/ab", "a//b", "a..b", "a_-b", "a b", "ab\n", "ré", "ab*"]),
        st.integers(250, 262).map(lambda n: "a" * n),
        st.tuples(_valid_names, st.sampled_from(["A", " ", "__", "/", "$", "é", ":", "*"])).map("".join),
    ),
)


def choices(parameter: str, enum_type: type) -> None:
    members = list(enum_type)
    register(
        (parameter,),
        st.sampled_from(members + [m.value for m in members]),
        near_miss=st.sampled_from(
            [m.value.lower() for m in members] + [f" {m.value}" for m in members]
            + [m.value.title() for m in members] + [m.value + "\x00" for m in members]
        ),
        extra=st.sampled_from([m for e in (ImageTagMutability, ScanFrequency, EncryptionType) for m in e]),
    )


register(
    ("scan_on_push", "enhanced_scanning", "force_delete", "enable_lifecycle_policy", "prevent_destroy"),
    st.booleans(), near_miss=st.sampled_from(["true", "False", 0, 1, "yes"]))
register(
    ("untagged_image_expiry_days", "max_tagged_image_count"),
    st.one_of(st.integers(1, MAX_COUNT), st.sampled_from([1, 2, 14, 30, MAX_COUNT])),
    near_miss=st.one_of(
        st.sampled_from([0, -1, MAX_COUNT + 1, 2**63, "14", 14.0, 14.5, True]),
        st.integers(max_value=0),
        st.integers(min_value=MAX_COUNT + 1),
        st.floats(allow_nan=True, allow_infinity=True),
    ),
)

_prefix = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", fullmatch=True)
_valid_prefix_lists = st.lists(_prefix, min_size=1, max_size=6, unique=True)
_huge_prefix_list = st.integers(300, 320).map(lambda n: [f"{i:04d}" + "x" * 124 for i in range(n)])
register(
    ("lifecycle_tag_prefix_list",),
    st.one_of(_valid_prefix_lists, _valid_prefix_lists.map(tuple), st.just(["v"])),
    near_miss=st.one_of(
        st.just([]),
        _huge_prefix_list,
        st.just(["v", "v"]),
        st.sampled_from(["v", b"v"]),
        st.lists(st.sampled_from(["", ".v", "-v", "v v", "é", "v*", "x" * 129, "v/1", "${v}"]), min_size=1, max_size=3),
        st.tuples(_valid_prefix_lists, st.sampled_from([1, None, b"v", ["v"]])).map(lambda t: t[0] + [t[1]]),
    ),
    extra=st.lists(TEXT, max_size=3),
)

_account = st.from_regex(r"[0-9]{12}", fullmatch=True)
_iam_name = st.from_regex(rf"{_IAM}{{1,64}}", fullmatch=True)
_path = st.lists(st.from_regex(rf"{_IAM}{{1,12}}", fullmatch=True), max_size=3).map(
    lambda parts: "".join(f"{p}/" for p in parts)
)
_valid_principal = st.one_of(
    _account,
    _account.map(lambda a: f"arn:aws:iam::{a}:root"),
    st.builds(lambda k, a, p, n: f"arn:aws:iam::{a}:{k}/{p}{n}", st.sampled_from(["role", "user"]), _account, _path, _iam_name),
    st.builds(lambda a, r, s: f"arn:aws:sts::{a}:assumed-role/{r}/{s}", _account, _iam_name,
              st.from_regex(rf"{_IAM}{{2,64}}", fullmatch=True)),
    st.builds(lambda a, n: f"arn:aws:sts::{a}:federated-user/{n}", _account, st.from_regex(rf"{_IAM}{{2,32}}", fullmatch=True)),
)
_bad_principal = st.one_of(
    st.sampled_from([
        "*", "arn:aws:iam::*:root", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:*",
        "12345678901", "1234567890123", "arn:aws:iam::123456789012:group/devs",
        "arn:aws:iam::123456789012:role/", "arn:aws:iam::123456789012:policy/p",
        "ecs-tasks.amazonaws.com", "arn:aws:s3:::bucket", "ARN:aws:iam::123456789012:root",
        "arn:aws:iam::123456789012:role/" + "r" * 65, "arn:aws:iam::123456789012:role/rôle",
        " 123456789012", "arn:aws:sts::123456789012:assumed-role/r/s" + "s" * 64,
        "arn:aws:sts::123456789012:federated-user/" + "u" * 33,
        # another partition than the stack's region (ap-southeast-2 is in "aws")
        "arn:aws-cn:iam::123456789012:root", "arn:aws-us-gov:iam::123456789012:role/ci",
        # an IAM path longer than 512 characters
        "arn:aws:iam::123456789012:role/" + "p/" * 300 + "ci",
    ]),
    FORGED_TOKENS,
)
register(
    ("pull_principal_arns", "push_principal_arns"),
    st.lists(_valid_principal, max_size=4, unique=True),
    near_miss=st.one_of(
        st.tuples(st.lists(_valid_principal, max_size=2, unique=True), _bad_principal).map(lambda t: t[0] + [t[1]]),
        _valid_principal.map(lambda p: [p, p]),
        _valid_principal,  # a string, not a list
        st.lists(_valid_principal, min_size=1, max_size=2, unique=True).map(tuple),
        st.just([{"AWS": "*"}]),
    ),
    extra=st.lists(TEXT, max_size=2),
)

_uuid = st.uuids().map(str)
_valid_kms = st.one_of(
    st.builds(lambda a, u: f"arn:aws:kms:{REGION}:{a}:key/{u}", _account, _uuid),
    st.builds(lambda a, h: f"arn:aws:kms:{REGION}:{a}:key/mrk-{h}", _account, st.from_regex(r"[0-9a-f]{32}", fullmatch=True)),
)
register(
    ("kms_key_arn",),
    st.one_of(st.none(), _valid_kms),
    near_miss=st.one_of(
        _uuid,  # a bare key id
        _valid_kms.map(lambda a: a.replace(REGION, "us-east-1")),  # another region
        _valid_kms.map(lambda a: a.replace("arn:aws:", "arn:aws-cn:")),  # another partition
        _valid_kms.map(lambda a: a.upper()),
        st.sampled_from([
            f"arn:aws:kms:{REGION}:123456789012:alias/ecr", "alias/aws/ecr", "alias/ecr",
            f"arn:aws:kms:{REGION}:123456789012:key/", f"arn:aws:kms:{REGION}:12345678901:key/{'0' * 8}-0000-0000-0000-{'0' * 12}",
        ]),
        _valid_kms.map(lambda a: [a]),
        _valid_kms.map(lambda a: a + " "),
    ),
)

_tag_char = st.one_of(
    st.sampled_from(list(string.ascii_letters + string.digits + " _.:/=+-@")),
    st.characters(categories=["L", "N", "Z"], max_codepoint=0xFFFF),
)
_tag_key = st.text(_tag_char, min_size=1, max_size=20).filter(lambda k: not k.lower().startswith("aws:"))
_tag_value = st.text(_tag_char, max_size=30)
_valid_tags = st.dictionaries(_tag_key, _tag_value, max_size=5)
register(
    ("tags",),
    st.one_of(_valid_tags, _valid_tags.map(MappingProxyType), st.just({f"k{i}": "v" for i in range(50)})),
    near_miss=st.one_of(
        st.just({f"k{i}": "v" for i in range(51)}),
        st.sampled_from([
            {"aws:team": "x"}, {"AWS:Team": "x"}, {"": "x"}, {"k" * 129: "x"}, {"k": "v" * 257},
            {"k": "v" * 256, "k" * 128: ""}, {"a$b": "x"}, {"a": "${x}"}, {"a": "%{x}"}, {"a\n": "x"},
            {"a": "b\t"}, {"a": "\ud800"}, {"\U0001F600": "x"}, {"__proto__": "x"}, {1: "x"}, {"a": 1}, {"a": None},
            {"Department": "R&D", "Owners": "a,b", "Ticket": "#1234", "Service": "api (v2)", "Owner": "O'Brien"},
            {"${x}": "$${y} %%{z}"},
            {b"a": "b"}, {"a": True}, [("a", "b")], "a=b",
        ]),
        st.dictionaries(TEXT, TEXT, max_size=3),
    ),
)

choices("image_tag_mutability", ImageTagMutability)
choices("enhanced_scan_frequency", ScanFrequency)
choices("encryption_type", EncryptionType)
OPTIONAL = tuple(p for p in ANY if p != "name")


@st.composite
def one_fault(draw) -> Dict[str, Any]:
    """Valid inputs, then one input drawn from its mix (valid or not)."""
    kwargs = draw(st.fixed_dictionaries({"name": VALID["name"]}, optional={p: VALID[p] for p in OPTIONAL}))
    parameter = draw(st.sampled_from(sorted(ANY)))
    kwargs[parameter] = draw(ANY[parameter])
    return kwargs


#: A third all valid, a third with one input from its mix, a third all mixed.
INPUTS = st.one_of(
    st.fixed_dictionaries({"name": VALID["name"]}, optional={p: VALID[p] for p in OPTIONAL}),
    one_fault(),
    st.fixed_dictionaries({"name": ANY["name"]}, optional={p: ANY[p] for p in OPTIONAL}),
)

# --------------------------------------------------------------------------------------
# Checks of the synthesized Terraform JSON, in-process.

TOP_LEVEL_BLOCKS = {"//", "terraform", "provider", "resource", "data", "output", "locals", "variable", "moved"}
RESOURCE_TYPES = {
    "aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_ecr_repository_policy",
    "aws_ecr_registry_scanning_configuration",
}
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
INTERPOLATION = re.compile(r"(?<!\$)\$\{([^}]*)\}")
REFERENCE = re.compile(r"(?:(data)\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+")


def _strings(node: Any, path: str = "$"):
    if node is None:
        raise AssertionError(f"null at {path}: Terraform JSON must not hold null values here")
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, f"{path}[{index}]")
    elif isinstance(node, str):
        yield path, node


def _expected(kwargs: Dict[str, Any], name: str, default: Any) -> Any:
    value = kwargs.get(name, default)
    return value.value if hasattr(value, "value") and not isinstance(value, (str, bytes)) else value


def assert_valid_terraform_json(document: Dict[str, Any], kwargs: Dict[str, Any]) -> None:
    assert set(document) <= TOP_LEVEL_BLOCKS, set(document)
    assert document["terraform"]["required_providers"]["aws"] == {"source": "hashicorp/aws", "version": AWS_CONSTRAINT}
    assert document["provider"]["aws"] == [{"region": REGION}]
    resources = document.get("resource", {})
    data = document.get("data", {})
    assert set(resources) <= RESOURCE_TYPES and set(data) <= {"aws_iam_policy_document"}
    for blocks in (*resources.values(), *data.values()):
        assert all(IDENTIFIER.fullmatch(block_name) for block_name in blocks)
    # Every interpolation is a reference to something declared here.
    for path, text in _strings(document):
        for expression in INTERPOLATION.findall(text):
            match = REFERENCE.fullmatch(expression)
            assert match, f"{path}: unexpected expression ${{{expression}}}"
            is_data, kind, block = match.groups()
            assert block in (data if is_data else resources).get(kind, {}), f"{path}: dangling {expression}"

    (repository,) = resources["aws_ecr_repository"].values()
    assert repository["name"] == kwargs["name"]
    assert repository["image_tag_mutability"] == _expected(kwargs, "image_tag_mutability", "IMMUTABLE")
    assert repository["image_scanning_configuration"] == {"scan_on_push": kwargs.get("scan_on_push", True)}
    assert repository["force_delete"] is kwargs.get("force_delete", False)
    kms = kwargs.get("kms_key_arn")
    encryption = {"encryption_type": "KMS", "kms_key": kms} if kms else {
        "encryption_type": _expected(kwargs, "encryption_type", "AES256")
    }
    assert repository["encryption_configuration"] == [encryption]
    assert repository["tags"] == {
        terraform_literal(k): terraform_literal(v) for k, v in kwargs.get("tags", {}).items()
    }
    protected = kwargs.get("prevent_destroy")
    if protected is None:  # retained unless force_delete=True says the images may go
        protected = kwargs.get("force_delete", False) is not True
    assert repository.get("lifecycle") == ({"prevent_destroy": True} if protected else None)
    # Every resource is named after the repository, and moves from its construct-path address.
    for moved in document.get("moved", []):
        kind, address = moved["to"].split(".")
        assert address in resources[kind], moved

    lifecycle = resources.get("aws_ecr_lifecycle_policy", {})
    if kwargs.get("enable_lifecycle_policy", True):
        (policy,) = lifecycle.values()
        text = policy["policy"]
        assert 100 <= len(text) <= 30720
        untagged, tagged = json.loads(text)["rules"]
        assert untagged["selection"]["countNumber"] == kwargs.get("untagged_image_expiry_days", 14)
        assert tagged["selection"]["countNumber"] == kwargs.get("max_tagged_image_count", 30)
        assert tagged["selection"]["tagPrefixList"] == list(kwargs.get("lifecycle_tag_prefix_list", ["v"]))
        assert [r["rulePriority"] for r in (untagged, tagged)] == [1, 2]
    else:
        assert lifecycle == {}

    principals = {
        sid: list(kwargs.get(parameter, ()))
        for sid, parameter in (("AllowPull", "pull_principal_arns"), ("AllowPush", "push_principal_arns"))
        if kwargs.get(parameter)
    }
    if principals:
        (document_block,) = data["aws_iam_policy_document"].values()
        assert "lifecycle" not in document_block  # the wildcard guard is for tokens only
        statements = {s["sid"]: s for s in document_block["statement"]}
        assert {sid: s["principals"] for sid, s in statements.items()} == {
            sid: [{"type": "AWS", "identifiers": ids}] for sid, ids in principals.items()
        }
        assert all(s["effect"] == "Allow" and "*" not in json.dumps(s) for s in statements.values())
        assert len(resources["aws_ecr_repository_policy"]) == 1
    else:
        assert "aws_ecr_repository_policy" not in resources and not data

    scanning = resources.get("aws_ecr_registry_scanning_configuration", {})
    if kwargs.get("enhanced_scanning"):
        (configuration,) = scanning.values()
        assert configuration["scan_type"] == "ENHANCED"
        frequency = _expected(kwargs, "enhanced_scan_frequency", "CONTINUOUS_SCAN")
        (rule,) = [r for r in configuration["rule"] if r["scan_frequency"] == frequency]
        # The name as a prefix: a bare name would match every name containing it. Filters
        # hold 255 characters: a 255-character name is its own filter (only 256-character
        # names contain it), a 256-character one is cut.
        name = kwargs["name"]
        expected = name + "*" if len(name) < 255 else name if len(name) == 255 else name[:254] + "*"
        assert {"filter": expected, "filter_type": "WILDCARD"} in rule["repository_filter"]
    else:
        assert scanning == {}


# --------------------------------------------------------------------------------------
# The property.

#: Valid examples seen by the property test, by repository name (for terraform).
VALID_SAMPLES: Dict[str, Dict[str, Any]] = {}


def new_stack() -> TerraformStack:
    # An app per example: a registry has one scanning owner per app.
    stack = TerraformStack(Testing.app(), "props")
    AwsProvider(stack, "aws", region=REGION)
    return stack


def check_example(kwargs: Dict[str, Any]) -> None:
    invalid = invalid_inputs(kwargs)
    stack = new_stack()
    try:
        Repository(stack, "repo", **kwargs)
    except ValidationError as error:
        assert invalid, f"valid input rejected: {error}"
        assert error.parameter in kwargs, f"names {error.parameter!r}, which was not given: {error}"
        assert error.parameter in invalid, f"names {error.parameter!r}, not an invalid input {invalid}: {error}"
        assert error.parameter in str(error)
        assert stack.node.try_find_child("repo") is None, "half-built after a ValidationError"
        return
    except Exception as error:  # noqa: BLE001 - the property: nothing else may escape
        pytest.fail(f"{type(error).__name__} escaped Repository(): {error}")
    try:
        document = json.loads(Testing.synth(stack))
    except ValidationError as error:
        assert invalid, f"valid input rejected at synth: {error}"
        assert error.parameter in invalid, f"names {error.parameter!r}, not an invalid input {invalid}: {error}"
        assert error.parameter in str(error)
        return
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"{type(error).__name__} escaped synth: {error}")
    assert not invalid, f"accepted invalid input(s) {sorted(invalid)}"
    assert_valid_terraform_json(document, kwargs)
    VALID_SAMPLES.setdefault(kwargs["name"], kwargs)


@PROFILE
@given(kwargs=INPUTS)
# Regression examples: each was an escape found by this property (see the report).
@example(kwargs={"name": "ab", "untagged_image_expiry_days": float("nan")})  # crashed the jsii kernel
@example(kwargs={"name": "ab", "max_tagged_image_count": float("inf")})
@example(kwargs={"name": "${TfToken[TOKEN.98765432]}"})  # forged token: RuntimeError at synth
@example(kwargs={"name": "ab", "pull_principal_arns": ["${TfToken[TOKEN.98765432]}"]})
@example(kwargs={"name": "ab", "push_principal_arns": ["#{TfToken[TOKEN.98765432]}"]})
@example(kwargs={"name": "ab", "tags": {"${TfToken[TOKEN.98765432]}": "x"}})
@example(kwargs={"name": "00", "tags": {"__proto__": ""}})  # jsii kernel refused the map key
@example(kwargs={"name": "ab", "kms_key_arn": "${TfToken[TOKEN.98765432]}"})
@example(kwargs={"name": "ab", "lifecycle_tag_prefix_list": ["${TfToken[TOKEN.98765432]}"]})
@example(kwargs={"name": "ab", "image_tag_mutability": "${TfToken[TOKEN.98765432]}"})
@example(kwargs={"name": "ab", "pull_principal_arns": ["arn:aws-cn:iam::123456789012:root"]})
@example(kwargs={"name": "ab", "kms_key_arn": f"arn:aws-cn:kms:{REGION}:123456789012:key/mrk-{'0' * 32}"})
@example(kwargs={"name": "ab", "push_principal_arns": ["arn:aws:iam::123456789012:role/" + "p/" * 300 + "ci"]})
# Valid boundaries.
@example(kwargs={"name": "a" * 256, "tags": {f"k{i}": "v" for i in range(50)}, "max_tagged_image_count": MAX_COUNT})
@example(kwargs={"name": "ab", "enable_lifecycle_policy": False, "lifecycle_tag_prefix_list": []})
def test_every_input_is_rejected_by_name_or_synthesizes_valid_terraform(kwargs: Dict[str, Any]) -> None:
    check_example(kwargs)


# --------------------------------------------------------------------------------------
# A sample of the valid examples through real terraform and the local AWS endpoint.


def _features(kwargs: Dict[str, Any]) -> set:
    flags = {
        "kms": bool(kwargs.get("kms_key_arn")),
        "kms-aws-managed": _expected(kwargs, "encryption_type", "AES256") == "KMS",
        "pull": bool(kwargs.get("pull_principal_arns")),
        "push": bool(kwargs.get("push_principal_arns")),
        "enhanced": bool(kwargs.get("enhanced_scanning")),
        "no-lifecycle": kwargs.get("enable_lifecycle_policy") is False,
        "tags": bool(kwargs.get("tags")),
        "mutable": _expected(kwargs, "image_tag_mutability", "IMMUTABLE") == "MUTABLE",
        "prevent-destroy": bool(kwargs.get("prevent_destroy")),
        "no-scan": kwargs.get("scan_on_push") is False,
        "namespaced": "/" in kwargs["name"],
    }
    return {flag for flag, on in flags.items() if on}


def pick_diverse(samples: Dict[str, Dict[str, Any]], count: int) -> List[Dict[str, Any]]:
    """Greedy: each pick adds the most features not yet covered."""
    chosen: List[Dict[str, Any]] = []
    covered: set = set()
    pool = sorted(samples.values(), key=lambda k: k["name"])
    while pool and len(chosen) < count:
        best = max(pool, key=lambda k: (len(_features(k) - covered), len(_features(k)), -len(k["name"])))
        chosen.append(best)
        covered |= _features(best)
        pool.remove(best)
    return chosen


@pytest.fixture(scope="module")
def valid_samples() -> List[Dict[str, Any]]:
    if len(VALID_SAMPLES) < TERRAFORM_SAMPLES:  # e.g. this test was selected alone
        test_every_input_is_rejected_by_name_or_synthesizes_valid_terraform()
    samples = pick_diverse(VALID_SAMPLES, TERRAFORM_SAMPLES)
    assert len(samples) == TERRAFORM_SAMPLES
    return samples


@pytest.mark.terraform
@pytest.mark.e2e
def test_sampled_valid_examples_pass_terraform_validate_and_apply(
    valid_samples: List[Dict[str, Any]], local_aws, tmp_path: Path
) -> None:
    # All samples in one stack: one init, one validate, one apply.
    stack = new_stack()
    for index, kwargs in enumerate(valid_samples):
        Repository(stack, f"sample{index}", **kwargs)
    (tmp_path / "cdk.tf.json").write_text(Testing.synth(stack))
    env = local_aws.environ(REGION)
    tf.run(["init", "-input=false", "-no-color"], tmp_path, env)
    validated = json.loads(tf.run(["validate", "-json", "-no-color"], tmp_path, env).stdout)
    assert validated["valid"] is True and validated["error_count"] == 0, validated
    tf.run(["apply", "-auto-approve", "-input=false", "-no-color"], tmp_path, env)

    ecr = boto3.client("ecr", region_name=REGION, endpoint_url=local_aws.url,
                       aws_access_key_id="test", aws_secret_access_key="test")
    for kwargs in valid_samples:
        name = kwargs["name"]
        (described,) = ecr.describe_repositories(repositoryNames=[name])["repositories"]
        assert described["imageTagMutability"] == _expected(kwargs, "image_tag_mutability", "IMMUTABLE")
        assert described["imageScanningConfiguration"]["scanOnPush"] is kwargs.get("scan_on_push", True)
        expected_encryption = "KMS" if kwargs.get("kms_key_arn") else _expected(kwargs, "encryption_type", "AES256")
        assert described["encryptionConfiguration"]["encryptionType"] == expected_encryption
        if kwargs.get("enable_lifecycle_policy", True):
            rules = json.loads(ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"])["rules"]
            assert rules[1]["selection"]["tagPrefixList"] == list(kwargs.get("lifecycle_tag_prefix_list", ["v"]))
        if kwargs.get("pull_principal_arns") or kwargs.get("push_principal_arns"):
            policy = json.loads(ecr.get_repository_policy(repositoryName=name)["policyText"])
            assert {s["Sid"] for s in policy["Statement"]} == {
                sid for sid, p in (("AllowPull", "pull_principal_arns"), ("AllowPush", "push_principal_arns"))
                if kwargs.get(p)
            }
