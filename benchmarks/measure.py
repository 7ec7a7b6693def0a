"""What every benchmark shares: a measured child process, the machine it ran on, and publishing the results.

A measured step runs in a child process: its last stdout line is JSON; its own peak RSS and CPU time are added.

A child of its own gives each stage a clean `ru_maxrss` (read with `os.wait4`), so one stage's memory never
hides in another's.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from models.results import RESULTS
from proofs.files import REPO_ROOT


class StageFailed(RuntimeError):
    """A measured child exited non-zero."""


def run_child(module: str, *args: str) -> dict:
    """`python -m module args...` in a child; its JSON result plus `peak_rss_mb` and `cpu_s`."""
    cmd = [sys.executable, "-m", module, *args]
    # The child's log goes to a file, not a pipe nobody reads (a full pipe would block it); on failure its tail
    # is the error message.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=log, env={**os.environ, "RUST_LOG": "error"}
        )
        out = proc.stdout.read().decode()
        _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            log.seek(0)
            tail = log.read().decode(errors="replace")[-2000:]
            raise StageFailed(f"{' '.join(cmd[2:])} failed ({code}): {out[-500:]}{tail}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # Linux: kilobytes
    # CPU seconds of the whole child (imports included): robust to other load on a shared machine.
    result["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    return result


#: EIP-170: the largest runtime bytecode a contract may deploy.
EIP170 = 24_576


def machine() -> dict:
    """CPU model, cores, RAM, OS and load of the machine measured on (the numbers mean little without it)."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or platform.machine(),
    )
    mem = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def describe(m: dict) -> str:
    """The machine of a report in one phrase: CPU, cores, RAM, shared, and its load when the run started."""
    return (
        f"{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB (shared with other jobs; load {m['load_average_1m']} at "
        "the start)"
    )


def publish(stem: str, data, markdown: str, write: bool = True) -> None:
    """Print a report; with `write`, also commit it as docs/results/<stem>.json and .md (an explicit action)."""
    print(markdown)
    if write:
        (RESULTS / f"{stem}.json").write_text(json.dumps(data, indent=2) + "\n")
        (RESULTS / f"{stem}.md").write_text(markdown)
