"""How the portal cites the measures (平人社办〔2024〕44号): one style, from one function.

The measures divide an article (条) into items numbered （一）（二）… (项) and items into points numbered 1. 2. …
(目); a few articles have numbered points directly under them. Citations follow that layout:
第五条, 第五条第（三）项, 第五条第（三）项第1目, 第七条第2项. Notations such as “第5(3)1条”, “第五条（三）1” or
“第五条第三项” are not used; ``citation_problems`` finds them (``scripts/po_check.py`` runs it on the catalogues).
"""

import re

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1–99 in Chinese numerals as articles are numbered: 五, 十, 十一, 二十三."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    return f"{'' if tens == 1 else _DIGITS[tens]}十{_DIGITS[units] if units else ''}"


def cite(article: int, item: int | None = None, point: int | None = None) -> str:
    """第十一条第（四）项第2目 — the article, its item in （）, the point in Arabic numerals."""
    text = f"第{chinese_numeral(article)}条"
    if item is not None:
        text += f"第（{chinese_numeral(item)}）项"
        if point is not None:
            text += f"第{int(point)}目"
    elif point is not None:
        text += f"第{int(point)}项"
    return text


_CN = "[一二三四五六七八九十]+"
# What a citation may look like; anything else that starts like a citation is a problem.
_CANONICAL = re.compile(rf"第{_CN}条(?:第（{_CN}）项(?:第\d+目)?|第\d+项)?")
_BAD = [
    re.compile(r"第\s*\d+\s*[(（]"),  # 第5(3)1条
    re.compile(r"第\s*\d+\s*条"),  # 第5条
    re.compile(rf"第{_CN}条\s*[(（]{_CN}[)）]"),  # 第五条（三）
    re.compile(rf"第{_CN}条第{_CN}项"),  # 第五条第三项
    re.compile(rf"第{_CN}条\d"),  # 第七条2
    re.compile(rf"第（{_CN}）项\d"),  # 第（三）项1
]


def citation_problems(text: str) -> list[str]:
    """The citations in ``text`` that do not follow the one style (empty when all do)."""
    found = []
    for pattern in _BAD:
        found.extend(m.group(0) for m in pattern.finditer(text))
    return found
