"""Helpers for asserting on rendered PDFs: extracted text, embedded fonts, glyph coverage."""

import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


def pdf_fonts(data: bytes) -> set[str]:
    """Base names of every font used, without the subset tag (``ABCDEF+``)."""
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return names


def all_fonts_embedded(data: bytes) -> bool:
    """Every font is embedded (a missing CJK font would fall back to an unembedded or non-CJK one)."""
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                return False
    return True


def page_size_mm(data: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width) * 25.4 / 72, 1), round(float(box.height) * 25.4 / 72, 1)


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def red_pixels(data: bytes, tmp_dir) -> int:
    """How many clearly red pixels page 1 has at 40 dpi (the official header and rule are printed in red ink)."""
    import subprocess
    from pathlib import Path

    from PIL import Image

    pdf = Path(tmp_dir) / "red-check.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(pdf), str(Path(tmp_dir) / "red-check")],
        capture_output=True,
        check=True,
    )
    image = Image.open(Path(tmp_dir) / "red-check-1.png").convert("RGB")
    raw = image.tobytes()
    return sum(1 for i in range(0, len(raw), 3) if raw[i] > 150 and raw[i + 1] < 90 and raw[i + 2] < 90)


def _poppler(tool: str, data: bytes, *args: str) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(data)
        fh.flush()
        return subprocess.run(
            [tool, *args, fh.name, *(["-"] if tool == "pdftotext" else [])], capture_output=True, check=True
        ).stdout.decode("utf-8")


def pdftotext_layout(data: bytes) -> str:
    """Poppler's text with the layout kept, line by line (as a reader sees where lines break)."""
    return _poppler("pdftotext", data, "-layout", "-enc", "UTF-8")


def pdffonts_names(data: bytes) -> list[str]:
    """Font names as ``pdffonts`` lists them, without the subset tag (``ABCDEF+``)."""
    out = _poppler("pdffonts", data)
    return [line.split()[0].split("+", 1)[-1] for line in out.splitlines()[2:] if line.strip()]


def save_artifact(name: str, data: bytes, *, dpi: int = 60) -> None:
    """Keep a rendered document for a person to look at: ``$ARTIFACTS_DIR/documents/<name>.pdf`` and one PNG per
    page (``artifacts/`` is not in git; CI keeps it)."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    root = Path(os.environ.get("ARTIFACTS_DIR", Path(__file__).resolve().parents[2] / "artifacts")) / "documents"
    root.mkdir(parents=True, exist_ok=True)
    pdf = root / f"{name}.pdf"
    pdf.write_bytes(data)
    if shutil.which("pdftoppm"):
        for old in root.glob(f"{name}-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(root / name)], check=True)
