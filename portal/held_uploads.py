"""Files survive a form error (issue 15): what a logged-in user uploaded is kept while the form comes back.

When a form with file fields is refused (a wrong date, a missing field), the files that passed the content check are
stored at once in the private storage (:func:`portal.uploads.store_upload`) without being attached to anything, and
the form carries a signed token naming them. The page shows them as "已上传：…" with a box to remove each; the next
submission attaches them as if chosen again. Only the user who uploaded a held file can use it, and only for
``HOLD_MAX_AGE``; a held file that is never attached stays an unattached stored file (removed with other orphans).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core import signing
from django.utils import timezone

from portal.uploads import StoredFile, store_upload

if TYPE_CHECKING:
    from portal.models import User

HOLD_SALT = "portal.held_uploads"
HOLD_MAX_AGE = timedelta(hours=24)
HELD_FIELD_PREFIX = "held_files"
REMOVE_FIELD = "held_remove"


def _token(files: list[StoredFile]) -> str:
    return signing.dumps([f.pk for f in files], salt=HOLD_SALT, compress=True) if files else ""


def _from_token(token: str, actor: "User") -> list[StoredFile]:
    if not token or not getattr(actor, "pk", None):
        return []
    try:
        ids = signing.loads(token, salt=HOLD_SALT, max_age=HOLD_MAX_AGE)
    except signing.BadSignature:
        return []
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        return []
    since = timezone.now() - HOLD_MAX_AGE
    found = {f.pk: f for f in StoredFile.objects.filter(pk__in=ids, uploaded_by=actor, uploaded_at__gte=since)}
    return [found[i] for i in ids if i in found]


@dataclass
class HeldUploads:
    """The files held for one form, by field name."""

    actor: object
    files: dict[str, list[StoredFile]] = field(default_factory=dict)

    @classmethod
    def from_request(cls, request, fields: list[str]) -> "HeldUploads":
        held = cls(actor=request.user)
        if request.method != "POST":
            return held
        removed = {int(v) for v in request.POST.getlist(REMOVE_FIELD) if v.isdigit()}
        for name in fields:
            kept = _from_token(request.POST.get(f"{HELD_FIELD_PREFIX}_{name}", ""), request.user)
            held.files[name] = [f for f in kept if f.pk not in removed]
        return held

    def get(self, name: str) -> list[StoredFile]:
        return self.files.get(name, [])

    def hold(self, name: str, uploads) -> None:
        """Store the uploads of ``name`` that passed their checks, so the re-rendered form keeps them."""
        for uploaded in uploads or ():
            if isinstance(uploaded, StoredFile):
                continue
            self.files.setdefault(name, []).append(store_upload(uploaded=uploaded, actor=self.actor))

    def hold_from_form(self, form, names: list[str]) -> None:
        for name in names:
            value = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
            if value:
                self.hold(name, value if isinstance(value, list | tuple) else [value])

    def combined(self, name: str, uploads) -> list:
        """The held files of ``name`` followed by the new uploads: what the service attaches."""
        new = list(uploads) if isinstance(uploads, list | tuple) else ([uploads] if uploads else [])
        return [*self.get(name), *new]

    def context(self) -> dict:
        """For the template (``portal/_held_uploads.html``): each field's files and token."""
        return {
            "held_uploads": {
                name: {"files": files, "token": _token(files), "field": f"{HELD_FIELD_PREFIX}_{name}"}
                for name, files in self.files.items()
            }
        }


def stored(item, *, actor: "User") -> StoredFile:
    """A held ``StoredFile`` as it is, or a fresh upload stored now (services accept either)."""
    return item if isinstance(item, StoredFile) else store_upload(uploaded=item, actor=actor)
