"""The ceremony-SRS build: the download path without network, a ceremony SRS file obtained elsewhere, and atomic
builds (a failed build leaves the committed artifacts byte-identical).

The network is made absent for certain by a dead HTTPS proxy (ezkl's downloader honours HTTPS_PROXY), so these
tests say the same thing online. The "ceremony-like" SRS files here are made by `ezkl.gen_srs` — TEST ONLY: the
code path is the one a real ceremony file (ezkl's published kzg<k>.srs) takes, but only the file checks and the
recording are tested here, never a real ceremony file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import ezkl
import pytest

from proofs import build as builder
from proofs.errors import SrsError
from proofs.files import ARTIFACTS_ROOT, REPO_ROOT, SRS_ROOT, VERIFIERS_ROOT, sha256_file
from proofs.model_artifacts import ModelArtifacts
from proofs.srs import check_kzg_params, kzg_params_size

MICRO_K = ModelArtifacts("micro").logrows  # the committed micro circuit's logrows

OFFLINE = {"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "NO_PROXY": ""}


def committed_files() -> dict[str, str]:
    """sha256 of every committed micro artifact and verifier: what deploy compares."""
    paths = [p for p in (ARTIFACTS_ROOT / "micro").rglob("*") if p.is_file()]
    paths += sorted(VERIFIERS_ROOT.glob("Micro*.sol"))
    return {str(p.relative_to(REPO_ROOT)): sha256_file(p) for p in sorted(paths)}


def git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--", "proofs", "contracts"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def proofs_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "proofs", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **OFFLINE, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def last_line(stderr: str) -> str:
    return stderr.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def test_only_srs(tmp_path_factory):
    """A "ceremony-like" SRS file of micro's logrows, made by ezkl.gen_srs: TEST ONLY, its maker can forge."""
    path = tmp_path_factory.mktemp("srs") / f"kzg{MICRO_K}.srs"
    ezkl.gen_srs(str(path), MICRO_K)
    return path


def test_build_fails_with_one_line_and_leaves_the_tree_unchanged_if_the_ceremony_download_has_no_network():
    before, status = committed_files(), git_status()
    run = proofs_cli("build", "micro", "--srs", "ceremony")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert last_line(run.stderr).startswith("python -m proofs build: could not download the ceremony SRS")
    assert "--srs-file" in last_line(run.stderr)
    assert committed_files() == before
    assert git_status() == status


def test_build_fails_with_one_line_and_leaves_the_tree_unchanged_if_the_srs_file_is_not_kzg_params(tmp_path):
    junk = tmp_path / "kzg10.srs"
    junk.write_bytes(b"\x0a\x00\x00\x00" + b"\x00" * 1000)
    before, status = committed_files(), git_status()
    run = proofs_cli("build", "micro", "--srs-file", str(junk))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "is not a KZG params file" in last_line(run.stderr)
    assert committed_files() == before
    assert git_status() == status


def test_build_fails_with_one_line_if_the_srs_file_is_for_fewer_logrows_than_the_circuit(tmp_path):
    small = tmp_path / "kzg8.srs"
    ezkl.gen_srs(str(small), 8)
    before = committed_files()
    run = proofs_cli("build", "micro", "--srs-file", str(small))
    assert run.returncode == 1
    assert f"too small for this circuit's logrows {MICRO_K}" in last_line(run.stderr)
    assert committed_files() == before


def test_build_fails_with_one_line_if_the_srs_file_does_not_exist(tmp_path):
    run = proofs_cli("build", "micro", "--srs-file", str(tmp_path / "missing.srs"))
    assert run.returncode == 1
    assert last_line(run.stderr) == f"python -m proofs build: --srs-file {tmp_path / 'missing.srs'}: no such file"


def test_check_kzg_params_accepts_every_committed_dev_srs_if_logrows_matches_its_header():
    for path in sorted(SRS_ROOT.glob("dev-k*.srs")):
        k = int(path.stem.removeprefix("dev-k"))
        assert path.stat().st_size == kzg_params_size(k)
        assert check_kzg_params(path, k) == k


def test_check_kzg_params_raises_if_the_size_does_not_match_the_header(tmp_path):
    cut = tmp_path / "cut.srs"
    cut.write_bytes((SRS_ROOT / "dev-k10.srs").read_bytes()[:-1])
    with pytest.raises(SrsError, match="is not a KZG params file: header says k=10"):
        check_kzg_params(cut, 10)


def test_build_records_the_srs_files_kind_sha256_and_source_if_built_from_an_srs_file(tmp_path, test_only_srs):
    before = committed_files()
    art = builder.build(
        "micro",
        srs_file=test_only_srs,
        batch_sizes=(),
        root=tmp_path / "artifacts",
        verifiers_root=tmp_path / "v",
        cache_root=tmp_path / "cache",  # the test-only SRS's proving key stays out of the shared cache
    )
    meta = json.loads(art.meta.read_text())
    assert meta["srs"] == {
        "kind": "ceremony",
        "logrows": MICRO_K,
        "sha256": sha256_file(test_only_srs),
        "source": f"file kzg{MICRO_K}.srs",
        "warning": None,
    }
    assert art.verifier_sol.read_text().splitlines()[1].startswith("// SRS: ceremony")
    # A later prove finds the same file by the recorded sha256, without the path.
    again = ModelArtifacts(
        "micro", root=tmp_path / "artifacts", verifiers_root=tmp_path / "v", cache_root=tmp_path / "c"
    )
    assert sha256_file(again.srs()) == sha256_file(test_only_srs)
    assert not (tmp_path / "artifacts" / ".micro.replaced").exists()
    assert committed_files() == before


def test_staged_leaves_the_committed_files_byte_identical_if_the_build_raises(tmp_path):
    root, verifiers = tmp_path / "artifacts", tmp_path / "v"
    (root / "m").mkdir(parents=True)
    verifiers.mkdir()
    (root / "m" / "meta.json").write_text('{"old": true}\n')
    (verifiers / "MVerifier.sol").write_text("// old\n")

    def failing(roots):
        (roots["root"] / "m" / "meta.json").write_text('{"new": true}\n')
        (roots["verifiers_root"]).mkdir()
        (roots["verifiers_root"] / "MVerifier.sol").write_text("// new\n")
        raise SrsError("the build failed half way")

    with pytest.raises(SrsError):
        builder.staged("m", failing, root=root, verifiers_root=verifiers)
    assert (root / "m" / "meta.json").read_text() == '{"old": true}\n'
    assert (verifiers / "MVerifier.sol").read_text() == "// old\n"
    assert sorted(p.name for p in root.iterdir()) == ["m"]


def test_staged_moves_every_file_into_place_if_the_build_succeeds(tmp_path):
    root, verifiers = tmp_path / "artifacts", tmp_path / "v"
    (root / "m").mkdir(parents=True)
    (root / "m" / "meta.json").write_text('{"old": true}\n')

    def succeeding(roots):
        (roots["root"] / "m" / "meta.json").write_text('{"new": true}\n')
        roots["verifiers_root"].mkdir()
        (roots["verifiers_root"] / "MVerifier.sol").write_text("// new\n")
        return ModelArtifacts("m", **roots)

    art = builder.staged("m", succeeding, root=root, verifiers_root=verifiers)
    assert art.dir == root / "m"
    assert (root / "m" / "meta.json").read_text() == '{"new": true}\n'
    assert (verifiers / "MVerifier.sol").read_text() == "// new\n"
    assert sorted(p.name for p in root.iterdir()) == ["m"]


@pytest.mark.slow  # a second micro build and sample proof
def test_build_accepts_an_srs_file_for_more_logrows_than_the_circuit_and_records_its_k(tmp_path):
    bigger = tmp_path / "kzg11.srs"
    ezkl.gen_srs(str(bigger), 11)  # TEST ONLY
    art = builder.build(
        "micro",
        srs_file=bigger,
        batch_sizes=(),
        root=tmp_path / "artifacts",
        verifiers_root=tmp_path / "v",
        cache_root=tmp_path / "cache",
    )
    srs = json.loads(art.meta.read_text())["srs"]
    assert (srs["kind"], srs["logrows"], srs["sha256"]) == ("ceremony", 11, sha256_file(bigger))
    assert art.logrows == MICRO_K  # ezkl cut the SRS down to the circuit; the sample proof verified during the build
