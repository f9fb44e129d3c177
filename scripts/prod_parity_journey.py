"""The journey of the production-parity stage (scripts/prod_parity.sh): HTTP against gunicorn, checks in the database.

Run by prod_parity.sh with the production environment it set up (the application role's DATABASE_URL among it). Every
step that a user takes goes over HTTP to gunicorn; the database is read only to find the demo records and to check
the outcome. Exits non-zero on the first failed expectation.
"""

import argparse
import datetime as dt
import hashlib
import hmac
import io
import json
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import django
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from applications.eligibility import MIN_STAFF  # noqa: E402
from applications.models import Application  # noqa: E402
from portal.audit import AuditEvent  # noqa: E402
from portal.demo import DEMO_PASSWORD  # noqa: E402
from portal.documents.models import OfficialDocument  # noqa: E402
from portal.documents.services import next_free_seq, series_for  # noqa: E402
from portal.models import User  # noqa: E402
from workstations.models import State, Workstation  # noqa: E402


def step(text: str) -> None:
    print(f"   - {text}", flush=True)


def expect(condition, message: str) -> None:
    if not condition:
        raise SystemExit(f"parity journey FAILED: {message}")


def totp(key_hex: str, at: float | None = None) -> str:
    """RFC 6238 (30-second steps, six digits, SHA-1): what an authenticator app shows for django-otp's TOTP device."""
    counter = int((at or time.time()) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Forms(HTMLParser):
    """The POST forms of a page: action and the inputs' names and values (hidden fields and submit buttons)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}, "buttons": []})
        elif self.forms and tag in ("input", "button") and attrs.get("name"):
            kind = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower()
            if kind == "submit":
                self.forms[-1]["buttons"].append((attrs["name"], attrs.get("value") or ""))
            elif kind == "hidden":  # a name may repeat (the ticked candidates): keep every value
                self.forms[-1]["fields"].setdefault(attrs["name"], []).append(attrs.get("value") or "")


class Browser:
    """A cookie-keeping client for plain HTTP: production marks its cookies Secure, which only TLS would carry, and
    TLS ends at the reverse proxy in front of gunicorn, so the cookies are sent here as that proxy would."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.url = base

    def _unsecure(self):
        for cookie in self.http.cookies:
            cookie.secure = False

    def go(self, method: str, path: str, data=None) -> requests.Response:
        url = urljoin(self.base, path)
        headers = {"Referer": self.url}
        if method == "POST":
            data = {**(data or {}), "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")}
        response = self.http.request(method, url, data=data, headers=headers, allow_redirects=False, timeout=60)
        self._unsecure()
        for _ in range(10):
            if response.status_code not in (301, 302, 303):
                break
            url = urljoin(url, response.headers["Location"])
            response = self.http.get(url, headers=headers, allow_redirects=False, timeout=60)
            self._unsecure()
        self.url = url
        return response

    def login(self, username: str, *, totp_key: str = "") -> None:
        page = self.go("GET", reverse("login"))
        expect(page.status_code == 200, f"login page answered {page.status_code}")
        response = self.go("POST", reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        if urlsplit(self.url).path == reverse("otp_verify"):
            expect(totp_key, f"{username} was asked for a second factor")
            response = self.go("POST", self.url, {"code": totp(totp_key)})
        expect(response.status_code == 200, f"{username}: {response.status_code} after logging in")
        expect(urlsplit(self.url).path not in (reverse("login"), reverse("otp_verify")), f"{username} not logged in")


def submit_follow(browser: Browser, path: str, data: dict) -> requests.Response:
    """POST a form; when the answer is a confirmation page (a POST form with hidden fields that states the
    consequence), confirm it with its own fields, as the user would."""
    response = browser.go("POST", path, data)
    for _ in range(2):
        if response.status_code != 200 or browser.url.rstrip("/") != urljoin(browser.base, path).rstrip("/"):
            break
        parser = Forms()
        parser.feed(response.text)
        # The page's own form (it posts back to itself), not the menu's language switch or log-out form.
        confirm = [f for f in parser.forms if f["action"] in ("", path) and len(f["fields"]) > 1]
        if not confirm:
            break
        form = confirm[0]
        fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
        # The button that goes on, never the one that goes back to the form (a confirmation page offers both).
        onward = [b for b in form["buttons"] if b[0] not in ("back", "cancel")]
        if onward:
            fields[onward[0][0]] = onward[0][1]
        response = browser.go("POST", form["action"] or path, fields)
    return response


def red_pixels(pdf: bytes) -> int:
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "doc.pdf").write_bytes(pdf)
        pdftoppm = shutil.which("pdftoppm") or "pdftoppm"
        page = ["-r", "40", "-f", "1", "-l", "1", "-png", f"{tmp}/doc.pdf", f"{tmp}/page"]
        subprocess.run([pdftoppm, *page], check=True)  # noqa: S603
        raw = Image.open(f"{tmp}/page-1.png").convert("RGB").tobytes()
    return sum(1 for i in range(0, len(raw), 3) if raw[i] > 150 and raw[i + 1] < 90 and raw[i + 2] < 90)


def check_pdf(pdf: bytes) -> None:
    from pypdf import PdfReader

    expect(pdf.startswith(b"%PDF"), "the document is not a PDF")
    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            font = ref.get_object()
            fonts.add(str(font["/BaseFont"]).split("+", 1)[-1])
            target = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = target["/FontDescriptor"].get_object()
            expect(any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{font} not embedded")
    # The print stylesheet sets the body in 仿宋 (FandolFang) and titles in 标宋 (GB/T 9704, issue 17).
    expect({"FandolFang", "Noto-Serif-CJK-SC-Bold"} <= fonts, f"print stylesheet fonts missing: {fonts}")
    expect(red_pixels(pdf) > 200, "no red header: the print stylesheet was not applied")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    started = time.monotonic()

    print("== journey: static files under the manifest storage", flush=True)
    anonymous = Browser(args.base)
    page = anonymous.go("GET", reverse("login")).text
    stylesheets = re.findall(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    expect(stylesheets, "the login page names no hashed stylesheet")
    expect(all(anonymous.go("GET", s).status_code == 200 for s in stylesheets), "a hashed stylesheet is not served")
    step(f"{len(stylesheets)} hashed stylesheets served by WhiteNoise")

    print("== journey: a host unit logs in and resubmits a returned application", flush=True)
    application = Application.objects.select_related("workstation").filter(workstation__state=State.RETURNED).first()
    expect(application, "the demo has no returned application")
    host = User.objects.filter(organisation=application.workstation.host_unit, is_active=True).order_by("pk").first()
    # The demo returned it for a missing fifth staff member (Art. 5(3)1); the host's correction is laid down here so
    # that the journey does not depend on the form steps' markup, and the resubmission goes over HTTP.
    while application.staff.count() < MIN_STAFF:
        application.staff.create(name="补充人员", position="创业辅导员", order=application.staff.count())
    browser = Browser(args.base)
    browser.login(host.username)
    response = browser.go("POST", reverse("applications:submit", args=[application.pk]))
    expect(response.status_code == 200, f"submit answered {response.status_code}")
    application.workstation.refresh_from_db()
    expect(application.workstation.state == State.SUBMITTED, f"state is {application.workstation.state}")
    step(f"{host.username} submitted application {application.pk}")

    print("== journey: city staff (second factor enforced) issue the confirmation document", flush=True)
    staff = User.objects.get(username="staff")
    TOTPDevice.objects.filter(user=staff).delete()
    device = TOTPDevice.objects.create(user=staff, name="parity", confirmed=True)
    staff_browser = Browser(args.base)
    staff_browser.login("staff", totp_key=device.key)
    cleared = list(Workstation.objects.filter(state=State.PUBLICITY_CLEARED).values_list("pk", flat=True))
    expect(cleared, "the demo has no workstation cleared by publicity")
    before = set(OfficialDocument.objects.values_list("pk", flat=True))
    path = reverse("publicity:confirmations")
    expect(staff_browser.go("GET", path).status_code == 200, "the confirmation page did not open")
    submit_follow(
        staff_browser,
        path,
        {
            "candidates": cleared,
            "title": "",
            # The number the office assigned: the next free one of the series, as the page suggests (issue 17).
            "seq": next_free_seq(series=series_for(OfficialDocument.Kind.CONFIRMATION), year=dt.date.today().year),  # noqa: DTZ011
            "issued_on": dt.date.today().isoformat(),  # noqa: DTZ011
        },
    )
    new = OfficialDocument.objects.exclude(pk__in=before).filter(kind=OfficialDocument.Kind.CONFIRMATION)
    expect(new.count() == 1, "no confirmation document was issued")
    document = new.get()
    pdf = anonymous.go("GET", reverse("publicity_public:document_pdf", args=[document.pk]))
    expect(pdf.status_code == 200, f"the document PDF answered {pdf.status_code}")
    check_pdf(pdf.content)
    step(f"{document.number}: PDF with embedded 仿宋 and 标宋 fonts and the red header")

    print("== journey: the web and the workers run as the application role", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND usename IS NOT NULL"
        )
        users = {row[0] for row in cursor.fetchall()}
    expect(users == {settings.DATABASE_APP_ROLE}, f"connected roles: {users}")
    step(f"connections: {sorted(users)}")

    print("== journey: the scheduled checkpoint job runs (beat → worker)", flush=True)
    head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    checkpoint_file = Path(settings.AUDIT_CHECKPOINT_FILE)
    deadline = time.monotonic() + 60
    line = None
    while time.monotonic() < deadline and line is None:
        if checkpoint_file.exists():
            lines = [json.loads(x) for x in checkpoint_file.read_text().splitlines() if x.strip()]
            line = next((x for x in lines if x["chain"] == "audit" and x["seq"] >= head), None)
        time.sleep(1)
    expect(line, f"no checkpoint of the audit chain at #{head} within a minute")
    mail_dir = Path(settings.EMAIL_FILE_PATH)
    while time.monotonic() < deadline:
        if any(line["hash"] in p.read_text(errors="replace") for p in mail_dir.glob("*.log")):
            break
        time.sleep(1)
    else:
        expect(False, "the checkpoint was not e-mailed to the supervisors")
    step(f"checkpoint audit #{line['seq']} sealed and e-mailed")
    verify = subprocess.run(
        [sys.executable, "manage.py", "verify_audit_trail"], capture_output=True, text=True, check=False
    )
    expect(verify.returncode == 0, f"verify_audit_trail: {verify.stderr}")
    step(verify.stdout.strip())
    print(f"== journey: done in {time.monotonic() - started:.1f}s", flush=True)


if __name__ == "__main__":
    main()
