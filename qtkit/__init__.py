"""The shared Qt kit: the one place for Qt code every app builds on (see docs/qtkit.md)."""
