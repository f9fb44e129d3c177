"""The audit trail as a supervisor reads it (issue 19 item 5): events in words, people by name, objects by name.

The trail itself (``portal.audit``) keeps internal codes: ``auth.login``, ``workstation.recommend``, ``http.post``
with the URL name. This package turns them into the reader's language — a phrase per kind of event, grouped by area
— and resolves the people and the objects of a whole page of events in bulk (one query per kind of object on the
page, never one per row). It also turns the filters of the page (kind, words, person, workstation, dates) into one
query. It reads only: nothing here writes to the trail except :func:`record_export`. The parts: ``kinds`` (the table
of kinds in words and their areas), ``filters`` (the filter form and its query), ``describe`` (people, object names,
changes) and ``export`` (the export's limit, filters in words and its own event).

``portal`` imports no stage app (docs/architecture.md): the models of the objects are found through the app
registry by their ``app_label.model`` name, their labels are their own ``verbose_name``s, and the workstation
transitions' words are the state machine's own labels.
"""

from portal.audit_display.describe import Change, Row, describe, page_events
from portal.audit_display.export import EXPORT_LIMIT, filters_in_words, record_export
from portal.audit_display.filters import (
    AuditFilterForm,
    Filtered,
    filter_events,
    group_q,
    kind_q,
    person_q,
    words_q,
    workstation_matches,
    workstation_q,
)
from portal.audit_display.kinds import (
    GROUPS,
    MODEL_NAMES,
    PAGES,
    WORKSTATION,
    Group,
    Kind,
    kind_choices,
    kind_of,
    kinds,
)

__all__ = [
    "EXPORT_LIMIT",
    "GROUPS",
    "MODEL_NAMES",
    "PAGES",
    "WORKSTATION",
    "AuditFilterForm",
    "Change",
    "Filtered",
    "Group",
    "Kind",
    "Row",
    "describe",
    "filter_events",
    "filters_in_words",
    "group_q",
    "kind_choices",
    "kind_of",
    "kind_q",
    "kinds",
    "page_events",
    "person_q",
    "record_export",
    "words_q",
    "workstation_matches",
    "workstation_q",
]
