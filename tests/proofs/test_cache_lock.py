"""The regenerated cache is shared by processes: whatever rebuilds a cached file waits for the one doing it."""

import subprocess
import sys
import time

from proofs.files import REPO_ROOT, cache_lock
from proofs.srs import dev_srs

ASSEMBLE = (
    "import sys; from pathlib import Path; from proofs.srs import dev_srs; print(dev_srs(5, root=Path(sys.argv[1])))"
)


def test_dev_srs_waits_for_the_process_assembling_it_and_returns_the_whole_file_if_it_is_being_assembled(tmp_path):
    parts = [b"a" * 1000, b"b" * 10]
    for i, part in enumerate(parts):
        (tmp_path / f"dev-k5.srs.part{i}").write_bytes(part)
    assembled = tmp_path / ".assembled" / "dev-k5.srs"
    with cache_lock(assembled):  # this process is "assembling" it
        other = subprocess.Popen(
            [sys.executable, "-c", ASSEMBLE, str(tmp_path)], cwd=REPO_ROOT, text=True, stdout=subprocess.PIPE
        )
        time.sleep(3)
        assert other.poll() is None and not assembled.exists()
    out, _ = other.communicate(timeout=60)
    assert other.returncode == 0 and out.strip() == str(assembled)
    assert assembled.read_bytes() == b"".join(parts)
    assert dev_srs(5, root=tmp_path) == assembled
