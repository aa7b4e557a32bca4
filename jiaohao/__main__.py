"""``python -m jiaohao``: the same command line as the installed ``jiaohao`` script."""

import sys

from jiaohao.cli import main

sys.exit(main())
