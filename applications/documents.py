"""Art. 7(1): the application form (申报表) as a PDF, rendered from the saved data with a CJK font."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from applications.declared import DeclaredApplication
from applications.models import Application, ApplicationSnapshot
from portal.pdf import render_pdf


def application_form_pdf(application: Application | DeclaredApplication) -> bytes:
    """The form in Chinese, A4, with the eligibility checklist and the list of attached materials. ``application``
    is a draft or a submitted version (``applications.declared.DeclaredApplication``); phone and ID numbers are
    masked as on the pages.

    Art. 7 asks for two copies (一式两份): the host unit prints this file twice; the footer says so on every page.
    """
    return render_pdf(
        "applications/pdf/application_form.html",
        {"application": application, "checks": application.eligibility(), "printed_at": timezone.now()},
    )


def snapshot_pdf_store(snapshot_id: int) -> ApplicationSnapshot:
    """Render the 申报表 of one submitted version once and keep it (the Celery task, or the first download when the
    worker has not yet). Later downloads stream the stored file."""
    with transaction.atomic():
        snapshot = ApplicationSnapshot.objects.select_for_update().get(pk=snapshot_id)
        if not snapshot.pdf:
            application = Application.objects.with_related().get(pk=snapshot.application_id)
            content = application_form_pdf(DeclaredApplication(application, snapshot))
            snapshot.pdf.save(f"{application.pk}-v{snapshot.version}.pdf", ContentFile(content), save=False)
            ApplicationSnapshot.objects.filter(pk=snapshot.pk).update(pdf=snapshot.pdf.name)
    return snapshot
