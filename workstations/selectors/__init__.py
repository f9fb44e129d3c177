"""Reads of the workstation stage, one module per part of its life."""
