"""Arabic in PDFs: shaped, wrapped, and laid out in visual order by the full Unicode bidirectional algorithm.

ReportLab draws glyphs left to right as given, so right-to-left text must be put in visual order first.
The embedding levels come from python-bidi's Rust implementation (`bidi.get_display(..., debug=True)`),
resolved once per paragraph: bracket pairs (BD16), numbers, Latin names inside Arabic. The paragraph is
then wrapped in logical order and each line reordered from its slice of the paragraph's levels (UAX #9 L1,
L2) with mirrored glyphs at odd levels (L4). Reordering word by word, or each wrapped line on its own,
breaks brackets: "Wijkhuis De Schakel (demo)" came out as "(Wijkhuis De Schakel (demo".
"""

import re

from reportlab.pdfbase.pdfmetrics import stringWidth

_LEVEL = re.compile(r"Level\(\s*(\d+)")


def _mirrored() -> dict[str, str]:
    from bidi.mirror import MIRRORED

    return MIRRORED


def paragraph_levels(text: str, base_dir: str = "R") -> list[int]:
    """The resolved embedding level of each character of `text` (one paragraph)."""
    from bidi import get_display

    if not text:
        return []
    debug = get_display(text, base_dir=base_dir, debug=True)
    block = debug[debug.index("levels:") : debug.index("paragraphs:")]
    per_byte = [int(level) for level in _LEVEL.findall(block)]
    levels, offset = [], 0
    for char in text:
        levels.append(per_byte[offset])
        offset += len(char.encode("utf-8"))
    return levels


def reorder(chars: str, levels: list[int], base_level: int) -> str:
    """One line in visual order from its logical characters and their levels (L1, L2, L4)."""
    levels = list(levels)
    index = len(levels) - 1  # L1: trailing whitespace goes back to the paragraph level
    while index >= 0 and chars[index].isspace():
        levels[index] = base_level
        index -= 1
    order = list(range(len(chars)))
    if levels:
        highest, lowest_odd = max(levels), min((level for level in levels if level % 2), default=None)
        if lowest_odd is not None:
            for level in range(highest, lowest_odd - 1, -1):
                start = None
                for position in range(len(order) + 1):
                    inside = position < len(order) and levels[order[position]] >= level
                    if inside and start is None:
                        start = position
                    elif not inside and start is not None:
                        order[start:position] = reversed(order[start:position])
                        start = None
    mirrored = _mirrored()
    return "".join(mirrored.get(chars[i], chars[i]) if levels[i] % 2 else chars[i] for i in order)


def visual(text: str, base_dir: str = "R") -> str:
    """A one-line text shaped and in visual order."""
    import arabic_reshaper

    shaped = arabic_reshaper.reshape(str(text))
    return reorder(shaped, paragraph_levels(shaped, base_dir), 1 if base_dir == "R" else 0)


def visual_lines(text: str, font: str, size: float, width: float, base_dir: str = "R") -> list[str]:
    """A paragraph shaped, its levels resolved once, wrapped to `width` points in logical order, and each
    line in visual order (draw it right-aligned)."""
    import arabic_reshaper

    lines = []
    base_level = 1 if base_dir == "R" else 0
    for paragraph in str(text).split("\n"):
        shaped = arabic_reshaper.reshape(paragraph)
        levels = paragraph_levels(shaped, base_dir)
        for start, end in _wrap(shaped, font, size, width):
            lines.append(reorder(shaped[start:end], levels[start:end], base_level))
    return lines


def _wrap(text: str, font: str, size: float, width: float) -> list[tuple[int, int]]:
    """Greedy wrapping at spaces: (start, end) slices of `text`, without the space that breaks them."""
    words = [(match.start(), match.end()) for match in re.finditer(r"\S+", text)]
    if not words:
        return [(0, 0)]
    lines, start, end = [], words[0][0], words[0][1]
    for word_start, word_end in words[1:]:
        if stringWidth(text[start:word_end], font, size) <= width:
            end = word_end
        else:
            lines.append((start, end))
            start, end = word_start, word_end
    lines.append((start, end))
    return lines
