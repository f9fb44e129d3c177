"""The workstation forms, one module per part of its life."""
