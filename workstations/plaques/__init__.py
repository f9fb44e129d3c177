"""Kept only because migration ``0002_plaque`` names ``workstations.plaques._private_storage``; the plaque model is
``workstations.models.plaques``."""

from portal.uploads import _private_storage

__all__ = ["_private_storage"]
