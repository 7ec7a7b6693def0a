"""The tutorial notebook (notebooks/tutorial.ipynb) runs top to bottom: train, encode an image, prove, verify."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # about 20 s: a training run and a proof
def test_tutorial_notebook_executes_without_error_if_run_top_to_bottom():
    nb = nbformat.read(ROOT / "notebooks" / "tutorial.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = "".join(str(o.get("text", "")) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "verified" in outputs
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
