"""Stopping an ingest (issue 31, item 4): SIGTERM and Ctrl-C end the run with the shell's status
(128 + the signal), without a worker's traceback, and leave no worker process behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import SEEDS


def session_processes(sid: int) -> list[int]:
    """Processes of the session ``sid`` still running (zombies do not count)."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,sid=,stat="], capture_output=True, text=True).stdout
    return [int(pid) for pid, s, stat in (line.split() for line in out.splitlines()) if int(s) == sid and not stat.startswith("Z")]


@pytest.mark.parametrize("sig,status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "Ctrl-C"])
def test_a_stopped_ingest_leaves_no_worker_behind(tmp_path, sig, status):
    folder = tmp_path / "in"
    folder.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    for i in range(24):  # three parse batches: the worker pool starts
        (folder / f"{i:02d}.txt").write_text(seeds[i % len(seeds)].read_text(encoding="utf-8") + f"\n\nCopy {i}.", encoding="utf-8")
    p = subprocess.Popen([sys.executable, "-m", "quotes.cli", "--db", str(tmp_path / "q.db"), "ingest", "--workers", "2",
                          "--silent", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    deadline = time.monotonic() + 300
    while len(session_processes(p.pid)) < 3 and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.5)  # until the workers run (the command, two workers and the resource tracker)
    assert p.poll() is None, "the run ended before the workers started"
    time.sleep(2)
    os.killpg(p.pid, sig) if sig == signal.SIGINT else p.send_signal(sig)  # Ctrl-C reaches the whole group
    _, err = p.communicate(timeout=120)
    assert p.returncode == status, err
    assert "Traceback" not in err
    deadline = time.monotonic() + 30
    while session_processes(p.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not session_processes(p.pid)
