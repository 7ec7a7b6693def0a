"""Where generated results go: `docs/results/`, the one folder every writer of measured or drawn results names.

The benchmarks (`benchmarks/`), the studies (`research/`) and training (`python -m models train`, its sample grids)
write there, through `RESULTS`; docs/results/README.md lists each file and the command that regenerates it. Here,
in the lowest layer, so that every writer can import it without an upward import (tests/test_layout.py).
"""

from pathlib import Path

#: The generated results: JSON and markdown reports, and their figures under `images/`.
RESULTS = Path(__file__).resolve().parent.parent / "docs" / "results"
