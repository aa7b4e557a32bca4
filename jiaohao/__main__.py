import sys

from jiaohao.cli import main

sys.exit(main())
