"""The Qt kit's fixtures: a real hub on port 0 in its own thread, and bridges to it."""

from tests.qtkit.conftest import hall_hub, make_bridge

__all__ = ["hall_hub", "make_bridge"]
