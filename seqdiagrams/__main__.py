"""``python -m seqdiagrams`` runs the command-line interface."""

import sys

from seqdiagrams.cli import main

sys.exit(main())
