"""Run a measured step in a child process: its last stdout line is JSON; its own peak RSS and CPU time are added.

A child of its own gives each stage a clean `ru_maxrss` (read with `os.wait4`), so one stage's memory never
hides in another's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from proofs.files import REPO_ROOT


class StageFailed(RuntimeError):
    """A measured child exited non-zero."""


def run_child(module: str, *args: str) -> dict:
    """`python -m module args...` in a child; its JSON result plus `peak_rss_mb` and `cpu_s`."""
    cmd = [sys.executable, "-m", module, *args]
    proc = subprocess.Popen(
        cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, "RUST_LOG": "error"}
    )
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise StageFailed(f"{' '.join(cmd[2:])} failed ({code}): {out[-2000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # Linux: kilobytes
    # CPU seconds of the whole child (imports included): robust to other load on a shared machine.
    result["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    return result
