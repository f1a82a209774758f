"""`python -m kaifaqu.cli …` (how `kfq serve` starts its background worker)."""

import sys

from kaifaqu.cli import main

sys.exit(main())
