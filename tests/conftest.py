"""Suite-wide settings. Qt must run offscreen: without this pytest aborts headless."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: One scalable unit for every wait in the suite: raise JIAOHAO_TEST_TIMEOUT on a slow machine.
TIMEOUT_S = float(os.environ.get("JIAOHAO_TEST_TIMEOUT", "10"))
