"""A local AWS endpoint: ``moto`` server on 127.0.0.1, started and stopped by us.

The AWS provider (and boto3) honour ``AWS_ENDPOINT_URL``, so an unmodified
stack applies against it. Nothing listens beyond loopback.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional, Type

from .terraform import REPO_ROOT

#: The single emulated account (moto's default).
ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalAws:
    """Context manager running ``moto_server`` on a free loopback port."""

    def __init__(self, port: Optional[int] = None, log_path: Optional[Path] = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: Optional[subprocess.Popen] = None

    #: Raised when the server does not come up.
    failure: Type[Exception] = RuntimeError

    def command(self) -> List[str]:
        """How to run the server; subclasses run another server on ``self.port``."""
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]

    def start(self, timeout: float = 60) -> "LocalAws":
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(
                self.command(),
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            if log is not subprocess.DEVNULL:
                log.close()
        see_log = f"; see {self.log_path}" if self.log_path else ""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise self.failure(
                    f"the local AWS endpoint exited with code {self.process.returncode} "
                    f"before listening{see_log}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        self.abandon()
        raise self.failure(
            f"the local AWS endpoint did not answer on {self.url} within {timeout:.0f}s{see_log}"
        )

    def abandon(self) -> None:
        """Get rid of a server that did not come up."""
        self.stop()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def reset(self) -> None:
        """Forget every emulated resource (moto's reset API)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def environ(self, region: str = DEFAULT_REGION, base: Optional[Dict[str, str]] = None) -> Dict[str, str]:
        """Environment variables that point the AWS provider and boto3 here."""
        env = dict(os.environ if base is None else base)
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SHARED_CREDENTIALS_FILE"):
            env.pop(name, None)
        env.update(
            AWS_ENDPOINT_URL=self.url,
            AWS_ACCESS_KEY_ID="test",
            AWS_SECRET_ACCESS_KEY="test",
            AWS_REGION=region,
            AWS_DEFAULT_REGION=region,
            AWS_EC2_METADATA_DISABLED="true",
        )
        return env

    def __enter__(self) -> "LocalAws":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
