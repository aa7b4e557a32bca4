"""Sample hall configurations shipped with the package (``jiaohao demo`` plays one).

- ``dongxiang.toml`` a large district hall; ``village.toml`` a village service room.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from importlib import resources
from pathlib import Path

NAMES = ("dongxiang.toml", "village.toml")


def example_path(name: str) -> AbstractContextManager[Path]:
    """A context giving a real file path for the shipped example ``name`` (extracted
    for its duration when the package is installed zipped).

    Raises:
        ValueError: ``name`` is not a shipped example.
    """
    if name not in NAMES:
        raise ValueError(f"no shipped example {name!r} (have: {', '.join(NAMES)})")
    return resources.as_file(resources.files(__name__) / name)
