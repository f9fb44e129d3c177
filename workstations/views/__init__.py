"""The workstation pages, one module per part of its life (routes in ``workstations.urls``)."""
