"""One refusal type, one way to show it (issue 20 item 4).

A service that may not do what was asked raises a :class:`Refusal` (or one of its subclasses: ``TransitionRefused``,
``OutcomeRefused``, ``ExitRefused``, ``ReviewError``, ``LedgerRefused`` …). It carries the reasons in the user's
language, and optionally the form field they belong to and a code. A view shows it in exactly one of two ways:

- :func:`refusal_to_messages` — one ``django.contrib.messages`` error per reason (for buttons that redirect);
- :func:`refusal_to_form` — the reasons on the bound form (``form.add_error``), so the page is shown again with what
  was typed kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.functional import Promise


class Refusal(Exception):
    """An action that may not be done now; ``problems`` say why, in the user's language.

    ``problems`` is one message or several. ``field`` names the form field the refusal is about (None: the whole
    form); ``code`` and ``params`` are those of a Django ``ValidationError`` (a message with ``%(name)s`` placeholders
    is formatted with ``params``). ``str(refusal)`` and ``refusal.message`` join the problems with ``separator``.
    """

    separator = "; "

    def __init__(
        self,
        problems: str | Iterable[Any] = (),
        *,
        field: str | None = None,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
    ):
        single = isinstance(problems, str | Promise) or not isinstance(problems, Iterable)
        items = [problems] if single else list(problems)
        self.problems: list[str] = [str(p) % params if params else str(p) for p in items]
        self.field = field
        self.code = code
        self.params = dict(params) if params else None
        self.message = self.separator.join(self.problems)
        super().__init__(self.message)


def refusal_to_messages(request: HttpRequest, refusal: Refusal) -> None:
    """Each reason as its own error message on the next page."""
    for problem in refusal.problems:
        messages.error(request, problem)


def refusal_to_form(form: BaseForm, refusal: Refusal, *, field: str | None = None) -> None:
    """The reasons on ``form``: on the refusal's field (else ``field``) when the form has it, else above the form.

    The form stays bound, so the page shown again keeps everything that was typed.
    """
    name = refusal.field or field
    if name is not None and name not in form.fields:
        name = None
    form.add_error(name, ValidationError([ValidationError(p, code=refusal.code) for p in refusal.problems]))
