"""Art. 7(1): the application form (申报表) as a PDF, rendered from the saved data with a CJK font."""

from typing import TYPE_CHECKING

from django.utils import timezone

from applications.models import Application

if TYPE_CHECKING:
    from applications.declared import DeclaredApplication
from portal.pdf import render_pdf


def application_form_pdf(application: "Application | DeclaredApplication") -> bytes:
    """The form in Chinese, A4, with the eligibility checklist and the list of attached materials. ``application``
    is a draft or a submitted version (``applications.declared.DeclaredApplication``); phone and ID numbers are
    masked as on the pages.

    Art. 7 asks for two copies (一式两份): the host unit prints this file twice; the footer says so on every page.
    """
    return render_pdf(
        "applications/pdf/application_form.html",
        {"application": application, "checks": application.eligibility(), "printed_at": timezone.now()},
    )
