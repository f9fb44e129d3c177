"""Issue 19 item 8: how long a download of the 申报表 takes, rendered on demand (before) and stored per submitted
version (after). Run against a seeded database:

    DATABASE_URL=postgres://…/portal_x python manage.py seed_demo
    DATABASE_URL=postgres://…/portal_x python benchmarks/application_pdf.py [repeat]

"Before" renders the form for every request, as the view did until issue 16; "after" is the same URL now: the first
download of a version renders and stores it (once), every later one streams the stored file.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def main(repeat: int = 10) -> None:
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from applications.declared import DeclaredApplication
    from applications.documents import application_form_pdf
    from applications.models import Application, ApplicationSnapshot
    from applications.selectors import application_for_display

    application = Application.objects.filter(workstation__state="submitted", snapshots__isnull=False).first()
    snapshot = application.snapshots.order_by("-version").first()
    ApplicationSnapshot.objects.filter(pk=snapshot.pk).update(pdf="")  # start without a stored file
    user = application.workstation.host_unit.users.first()
    with override_settings(ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False):
        client = Client()
        client.force_login(user)
        url = reverse("applications:pdf", args=[application.pk])

        def before():
            shown = DeclaredApplication(application_for_display(application), snapshot)
            return application_form_pdf(shown)

        def download():
            response = client.get(url, secure=True)
            assert response.status_code == 200, response.status_code
            return b"".join(response.streaming_content)

        before()  # fonts and templates loaded once
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            before()
            times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        download()
        first = (time.perf_counter() - start) * 1000
        after = []
        for _ in range(repeat):
            start = time.perf_counter()
            download()
            after.append((time.perf_counter() - start) * 1000)
    print(f"application {application.pk}, version {snapshot.version}, {repeat} repeats")
    print(f"before (render per request): median {statistics.median(times):.0f} ms, max {max(times):.0f} ms")
    print(f"after, first download (render and store once): {first:.0f} ms")
    print(f"after, later downloads (stored file): median {statistics.median(after):.1f} ms, max {max(after):.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
