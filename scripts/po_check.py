"""Fail when a catalogue has an untranslated or fuzzy entry (the English UI is the source; Chinese must be complete),
or a translation cites the measures in any style but the one of ``portal.citations`` (第五条第（三）项第1目)."""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from portal.citations import citation_problems  # the project root is put on the path just above

ENTRY = re.compile(
    r'(?:^#, (?P<flags>.*)\n)?^msgid (?P<id>(?:".*"\n)+)(?:^msgid_plural (?:".*"\n)+)?'
    r'(?P<strs>(?:^msgstr(?:\[\d\])? (?:".*"\n)+)+)',
    re.M,
)


def unquote(block: str) -> str:
    return "".join(re.findall(r'"(.*)"', block))


def problems(path: Path) -> list[str]:
    out = []
    for m in ENTRY.finditer(path.read_text(encoding="utf-8")):
        msgid = unquote(m.group("id"))
        if not msgid:
            continue
        if m.group("flags") and "fuzzy" in m.group("flags"):
            out.append(f"{path}: fuzzy: {msgid!r}")
        for s in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n)+)', m.group("strs"), re.M):
            if not unquote(s):
                out.append(f"{path}: untranslated: {msgid!r}")
                break
            for bad in citation_problems(unquote(s)):
                out.append(f"{path}: citation {bad!r} (write it as portal.citations.cite does): {msgid!r}")
    return out


def main(paths: list[str]) -> int:
    found = [p for path in paths if Path(path).exists() for p in problems(Path(path))]
    for line in found:
        print(line)
    print(f"{len(found)} untranslated or fuzzy entries or citations in another style")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
