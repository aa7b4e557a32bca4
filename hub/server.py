"""Placeholder; filled in by the hub work."""

from __future__ import annotations
