"""``python -m trunktui`` runs the same command as ``trunktui``."""

import sys

from trunktui.cli import main

sys.exit(main())
