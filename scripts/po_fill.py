"""Fill empty msgstr entries of a catalogue from a JSON file {msgid: translation} (a translator's helper).

Usage: python scripts/po_fill.py path/to/django.po translations.json
       python scripts/po_fill.py path/to/django.po --list   # print the msgids still untranslated, as JSON
"""

import json
import re
import sys
from pathlib import Path

BLOCK = re.compile(r'^msgid ((?:".*"\n)+)msgstr ""\n(?!")', re.M)


def unquote(block: str) -> str:
    return "".join(re.findall(r'"(.*)"', block)).encode("utf-8").decode("unicode_escape").encode("latin-1").decode()


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> int:
    path = Path(sys.argv[1])
    text = path.read_text(encoding="utf-8")
    if sys.argv[2] == "--list":
        missing = [unquote(m.group(1)) for m in BLOCK.finditer(text) if unquote(m.group(1))]
        print(json.dumps(missing, ensure_ascii=False, indent=0))
        return 0
    table = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    count = 0

    def fill(m: re.Match) -> str:
        nonlocal count
        msgid = unquote(m.group(1))
        if table.get(msgid):
            count += 1
            return f"msgid {m.group(1)}msgstr {quote(table[msgid])}\n"
        return m.group(0)

    text = BLOCK.sub(fill, text)
    path.write_text(text, encoding="utf-8")
    print(f"{count} entries filled in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
