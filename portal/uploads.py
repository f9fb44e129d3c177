"""Private uploads (Art. 7 materials, receipts, evidence): checked by content, size-limited, versioned, never public.

Files live in the ``private`` storage (outside any public path) and reach a browser only through a view that has
already authorised the user for the object that owns the file; :func:`file_response` then sends it as an
attachment with ``nosniff`` and a sandboxing CSP, so nothing uploaded is ever rendered as a page.
"""

import hashlib
import uuid
from pathlib import PurePath
from typing import TYPE_CHECKING
from urllib.parse import quote

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.http import FileResponse
from django.utils.functional import LazyObject, empty, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.models import User

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class _PrivateStorage(LazyObject):
    """``storages["private"]``, looked up on first use and again after the STORAGES setting changes (tests)."""

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = _PrivateStorage()


@receiver(setting_changed)
def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty


def _private_storage():
    return private_storage


def _upload_to(instance, filename: str) -> str:
    return f"{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


def sniff(uploaded) -> str | None:
    """The MIME type found in the first bytes of the file (never the name or the browser's claim)."""
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.mime == "application/pdf" and not head.startswith(b"%PDF-"):
        return None
    return kind.mime


def validate_upload(uploaded) -> str:
    """Return the detected MIME type or raise ``ValidationError`` with a message the user can act on."""
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; files may be at most %(limit).0f MB.")
            % {"name": uploaded.name, "size": uploaded.size / 1048576, "limit": limit / 1048576},
            code="file_too_large",
        )
    if uploaded.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": uploaded.name}, code="file_empty")
    mime = sniff(uploaded)
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG or PNG file (its content was checked, not its name).")
            % {"name": uploaded.name},
            code="file_type",
        )
    return mime


def _upload_help_text() -> str:
    return _("PDF, JPEG or PNG, at most %(mb)d MB.") % {"mb": settings.UPLOAD_MAX_BYTES // 1048576}


_upload_help = lazy(_upload_help_text, str)


class PrivateFileField(forms.FileField):
    """A form field that accepts only PDF/JPEG/PNG by content, within the size limit."""

    def __init__(self, *args, **kwargs):
        # Lazy to the end: a form class builds its fields once, at import, so a formatted gettext_lazy would fix the
        # help text in the language active then (issue 19: English pages showed it in Chinese).
        kwargs.setdefault("help_text", _upload_help())
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png")

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data and hasattr(data, "size"):
            data.detected_type = validate_upload(data)
        return data


class StoredFile(models.Model):
    """One stored version of an uploaded file. A replacement points to the version it replaces (kept, not deleted)."""

    file = models.FileField(upload_to=_upload_to, storage=_private_storage, max_length=200)
    original_name = models.CharField(gettext_lazy("file name"), max_length=200)
    content_type = models.CharField(gettext_lazy("type"), max_length=60)
    size = models.PositiveIntegerField(gettext_lazy("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(gettext_lazy("uploaded at"))
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by")

    class Meta:
        verbose_name = gettext_lazy("stored file")
        verbose_name_plural = gettext_lazy("stored files")

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return ALLOWED_TYPES.get(self.content_type, "bin")

    def versions(self) -> list["StoredFile"]:
        """This file and every earlier version, newest first."""
        chain, current = [], self
        while current is not None:
            chain.append(current)
            current = current.replaces
        return chain


def store_upload(*, uploaded, actor: "User | AnonymousUser | None", replaces: StoredFile | None = None) -> StoredFile:
    """Validate and store an upload; with ``replaces`` the earlier version stays stored and linked."""
    from django.utils import timezone

    mime = getattr(uploaded, "detected_type", None) or validate_upload(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    stored = StoredFile(
        original_name=PurePath(uploaded.name).name[:200],
        content_type=mime,
        size=uploaded.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        uploaded_at=timezone.now(),
        replaces=replaces,
    )
    stored.file.save(stored.original_name, uploaded, save=False)
    stored.save()
    return stored


# The name endings a downloaded file may keep for its checked type; any other ending is replaced.
_KEPT_SUFFIXES = {"application/pdf": {".pdf"}, "image/jpeg": {".jpg", ".jpeg"}, "image/png": {".png"}}


def download_name(stored: StoredFile) -> str:
    """The uploader's name with an extension that matches the checked content type (issue 14).

    A PDF uploaded as ``report.html`` or ``setup.exe`` is sent as ``report.pdf`` / ``setup.pdf``, so a polyglot is
    never saved or opened as a page or a program because of the name it was uploaded under.
    """
    name = PurePath(stored.original_name or "file")
    if name.suffix.lower() in _KEPT_SUFFIXES.get(stored.content_type, set()):
        return name.name
    stem = name.stem if name.suffix else name.name
    return f"{stem or 'file'}.{stored.extension}"


def file_response(stored: StoredFile, *, inline: bool = False) -> FileResponse:
    """Send a stored file to a user the calling view has already authorised."""
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    disposition = "inline" if inline and stored.content_type in ALLOWED_TYPES else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(download_name(stored))}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
