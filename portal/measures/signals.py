"""Sent after the transaction that enters a version of the measures' numbers commits, so that what other apps keep
from those numbers (the Art. 10 board's needs, ``workstations.services.compliance_summary``) follows them without
portal importing those apps."""

from django.dispatch import Signal

measures_changed = Signal()  # kwargs: version (the MeasuresVersion entered)
