"""devtools.terraform: the offline provider set-up every terraform run relies on."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cdktf_aws_ecr.providers import AWS_PROVIDER_CONSTRAINT
from devtools import terraform as tf

INITS = 4


@pytest.fixture
def cold_cache_env(tmp_path: Path) -> dict:
    """An environment whose CLI config points at the offline mirror and at an
    empty plugin cache, as on a fresh clone."""
    mirror = tf.find_mirror()
    if mirror is None:
        pytest.skip("no offline provider mirror on this machine; terraform uses the public registry")
    cache = tmp_path / "plugin-cache"
    cache.mkdir()
    config = tmp_path / "terraformrc"
    config.write_text(tf.cli_config_text(mirror, cache))
    env = tf.environ()
    env["TF_CLI_CONFIG_FILE"] = str(config)
    return env


def aws_working_dir(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "main.tf.json").write_text(json.dumps({
        "terraform": {"required_providers": {"aws": {
            "source": "hashicorp/aws", "version": AWS_PROVIDER_CONSTRAINT,
        }}},
    }))
    return path


@pytest.mark.terraform
def test_concurrent_inits_share_a_cold_plugin_cache(
    cold_cache_env: dict, tmp_path: Path, terraform_available: str
) -> None:
    """Terraform's plugin cache is not safe for concurrent writers: two inits
    that both miss it race to create the same directory and one fails with
    'file exists' (this failed CI once). Every init must succeed."""
    dirs = [aws_working_dir(tmp_path / f"stack{i}") for i in range(INITS)]

    def init(directory: Path) -> int:
        return tf.run(["init", "-input=false", "-no-color"], directory, cold_cache_env, check=False).returncode

    with ThreadPoolExecutor(max_workers=INITS) as pool:
        codes = list(pool.map(init, dirs))
    assert codes == [0] * INITS
    cache = Path(tf.plugin_cache_dir(cold_cache_env))
    assert list(cache.glob(tf.PROVIDER_GLOB)), "the first init should have filled the cache"
    for directory in dirs:
        assert (directory / ".terraform.lock.hcl").exists()


@pytest.mark.terraform
def test_fill_plugin_cache_fills_only_a_cold_cache(
    cold_cache_env: dict, terraform_available: str
) -> None:
    cache = tf.plugin_cache_dir(cold_cache_env)
    assert cache is not None and not list(cache.glob(tf.PROVIDER_GLOB))
    assert tf.fill_plugin_cache(cold_cache_env) is True
    filled = list(cache.glob(tf.PROVIDER_GLOB))
    assert filled
    assert tf.fill_plugin_cache(cold_cache_env) is False
    assert list(cache.glob(tf.PROVIDER_GLOB)) == filled


def test_plugin_cache_dir_is_read_from_the_cli_config(tmp_path: Path) -> None:
    config = tmp_path / "terraformrc"
    config.write_text(tf.cli_config_text(tmp_path / "mirror", tmp_path / "cache"))
    assert tf.plugin_cache_dir({"TF_CLI_CONFIG_FILE": str(config)}) == tmp_path / "cache"
    assert tf.plugin_cache_dir({"TF_CLI_CONFIG_FILE": str(config), "TF_PLUGIN_CACHE_DIR": "/elsewhere"}) == Path("/elsewhere")
    assert tf.plugin_cache_dir({}) is None


@pytest.mark.terraform
def test_init_waits_for_the_lock_on_a_cold_cache(
    cold_cache_env: dict, tmp_path: Path, terraform_available: str
) -> None:
    """While another init holds the cold-cache lock, ``run(["init"])`` waits."""
    directory = aws_working_dir(tmp_path / "waiting")
    with ThreadPoolExecutor(max_workers=1) as pool:
        with tf.plugin_cache_lock(cold_cache_env) as missing:
            assert missing, "a fresh cache lacks the mirror's provider"
            waiting = pool.submit(tf.run, ["init", "-input=false", "-no-color"], directory, cold_cache_env)
            with pytest.raises(TimeoutError):
                waiting.result(timeout=3)
            assert not (directory / ".terraform.lock.hcl").exists()
        assert waiting.result(timeout=300).returncode == 0
    with tf.plugin_cache_lock(cold_cache_env) as missing:
        assert not missing, "the init that waited filled the cache"


@pytest.mark.terraform
def test_packages_for_other_platforms_do_not_keep_the_cache_cold(
    cold_cache_env: dict, tmp_path: Path, terraform_available: str
) -> None:
    """Terraform installs only its own platform, so a mirror that also holds
    another platform's packages, even of a version this platform lacks, must
    read as warm once this platform's packages are cached."""
    real_mirror = tf.find_mirror()
    assert real_mirror is not None
    mirror = tmp_path / "multi-platform-mirror"
    aws = mirror / "registry.terraform.io" / "hashicorp" / "aws"
    for package in real_mirror.glob(tf.PROVIDER_GLOB):
        own = aws / package.parent.parent.name / package.parent.name
        own.parent.mkdir(parents=True, exist_ok=True)
        own.symlink_to(package.parent, target_is_directory=True)
    for version in ("5.100.0", "5.999.0"):
        other = aws / version / "plan9_mips"
        other.mkdir(parents=True)
        (other / "terraform-provider-aws_v0_x5").write_text("not for this platform")
    config = Path(cold_cache_env["TF_CLI_CONFIG_FILE"])
    config.write_text(tf.cli_config_text(mirror, tf.plugin_cache_dir(cold_cache_env)))

    assert tf.fill_plugin_cache(cold_cache_env) is True
    assert tf.fill_plugin_cache(cold_cache_env) is False
    with tf.plugin_cache_lock(cold_cache_env) as missing:
        assert missing == set()
