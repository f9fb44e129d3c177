"""Writes of the workstation stage, one module per part of its life. Views, admin, commands and jobs call these."""
