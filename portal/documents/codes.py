"""Verification codes as people see them (扫码验真): the alphabet, the ABCD-EFGH display, the address and QR code
printed on a document. Read by the document services and by the rendering of every document, so it imports neither."""

import re

from django.conf import settings
from django.urls import reverse

# Short codes avoid letters and digits that are easily confused when typed from paper (0/O, 1/I/L).
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def display_code(code: str) -> str:
    """ABCD-EFGH: easier to read aloud and type."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def normalise_code(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", text or "").upper()


def verification_url(code: str) -> str:
    """The absolute address printed in the QR code (``settings.PORTAL_PUBLIC_URL`` + the public page)."""
    base = getattr(settings, "PORTAL_PUBLIC_URL", "").rstrip("/")
    return f"{base}{reverse('publicity_public:verify', args=[code])}"


def verification_qr(code: str) -> dict:
    """The QR code of the verification address as an SVG path (``size`` modules square, one module of quiet zone),
    for templates to draw as ``<svg viewBox="0 0 size size"><path d="path"/></svg>`` without marking text safe."""
    import segno

    qr = segno.make(verification_url(code), error="m")
    border = 1
    parts = []
    for y, row in enumerate(qr.matrix):
        x = 0
        while x < len(row):
            if row[x]:
                run = 1
                while x + run < len(row) and row[x + run]:
                    run += 1
                parts.append(f"M{x + border} {y + border}h{run}v1h-{run}z")
                x += run
            else:
                x += 1
    return {"size": len(qr.matrix) + 2 * border, "path": "".join(parts)}
