"""The Flink/Spark topology, locally: PortableRunner -> Beam's job service -> a worker pool."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tdg.pipelines.certify import run_certify
from tdg.pipelines.config import load_config
from tdg.transforms.keys import KeyRing
from tests.e2e.corpus import write_corpus

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise TimeoutError(f"nothing listens on {port}")


@pytest.fixture(scope="module")
def services() -> Iterator[tuple[int, int]]:
    env = dict(os.environ)
    # the worker pool starts `python` workers: this venv's python must come first
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    pool_port, job_port = free_port(), free_port()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "apache_beam.runners.worker.worker_pool_main",
                f"--service_port={pool_port}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "apache_beam.runners.portability.local_job_service_main",
                f"--port={job_port}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        wait_for(pool_port)
        wait_for(job_port)
        yield pool_port, job_port
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


def test_portable_runner_gives_the_direct_runners_result(
    tmp_path: Path, keys_dir: Path, services: tuple[int, int]
) -> None:
    pool_port, job_port = services
    loaded = load_config(write_corpus(tmp_path))
    keys = KeyRing(str(keys_dir))
    direct = run_certify(loaded, version="direct", progress=False, keys=keys, certify=False)
    portable = run_certify(
        loaded,
        version="portable",
        progress=False,
        keys=keys,
        certify=False,
        beam_args=[
            "--runner=PortableRunner",
            f"--job_endpoint=localhost:{job_port}",
            "--environment_type=EXTERNAL",
            f"--environment_config=localhost:{pool_port}",
        ],
    )
    assert portable.manifest["runner"] == "PortableRunner"
    assert portable.manifest["content_digest"] == direct.manifest["content_digest"]
    assert portable.manifest["sources"] == direct.manifest["sources"]
