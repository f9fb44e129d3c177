"""Home-page panels of the workstation stage (``settings.PORTAL_HOME_PANELS``)."""
