"""`python -m models`: see models/cli.py."""

import sys

from .cli import main

sys.exit(main())
