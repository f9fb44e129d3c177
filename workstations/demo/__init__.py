"""Demo builder steps (``settings.PORTAL_DEMO_BUILDERS``), one module per part of a workstation's life."""
