"""The join code (and the discussion clock) five lines high, so the back row of a training room can read it."""

from __future__ import annotations

# Each glyph is five rows of five cells; '#' is ink. Only what a join code or a clock can contain.
GLYPHS = {
    "A": (" ### ", "#   #", "#####", "#   #", "#   #"),
    "B": ("#### ", "#   #", "#### ", "#   #", "#### "),
    "C": (" ####", "#    ", "#    ", "#    ", " ####"),
    "D": ("#### ", "#   #", "#   #", "#   #", "#### "),
    "E": ("#####", "#    ", "#### ", "#    ", "#####"),
    "F": ("#####", "#    ", "#### ", "#    ", "#    "),
    "G": (" ####", "#    ", "#  ##", "#   #", " ####"),
    "H": ("#   #", "#   #", "#####", "#   #", "#   #"),
    "J": ("  ###", "   # ", "   # ", "#  # ", " ##  "),
    "K": ("#   #", "#  # ", "###  ", "#  # ", "#   #"),
    "M": ("#   #", "## ##", "# # #", "#   #", "#   #"),
    "N": ("#   #", "##  #", "# # #", "#  ##", "#   #"),
    "P": ("#### ", "#   #", "#### ", "#    ", "#    "),
    "Q": (" ### ", "#   #", "# # #", "#  # ", " ## #"),
    "R": ("#### ", "#   #", "#### ", "#  # ", "#   #"),
    "T": ("#####", "  #  ", "  #  ", "  #  ", "  #  "),
    "U": ("#   #", "#   #", "#   #", "#   #", " ### "),
    "V": ("#   #", "#   #", "#   #", " # # ", "  #  "),
    "W": ("#   #", "#   #", "# # #", "## ##", "#   #"),
    "X": ("#   #", " # # ", "  #  ", " # # ", "#   #"),
    "Y": ("#   #", " # # ", "  #  ", "  #  ", "  #  "),
    "Z": ("#####", "   # ", "  #  ", " #   ", "#####"),
    "2": (" ### ", "#   #", "  ## ", " #   ", "#####"),
    "3": ("#### ", "    #", " ### ", "    #", "#### "),
    "4": ("#  # ", "#  # ", "#####", "   # ", "   # "),
    "6": (" ### ", "#    ", "#### ", "#   #", " ### "),
    "7": ("#####", "    #", "   # ", "  #  ", "  #  "),
    "8": (" ### ", "#   #", " ### ", "#   #", " ### "),
    "9": (" ### ", "#   #", " ####", "    #", " ### "),
    # For the discussion clock.
    "0": (" ### ", "#  ##", "# # #", "##  #", " ### "),
    "1": ("  #  ", " ##  ", "  #  ", "  #  ", " ### "),
    "5": ("#####", "#    ", "#### ", "    #", "#### "),
    ":": ("     ", "  #  ", "     ", "  #  ", "     "),
}


def big(text: str, ink: str = "█", gap: int = 3) -> list[str]:
    """``text`` as five lines of block letters (characters without a glyph are left as a gap)."""
    blank = ("     ",) * 5
    rows = [(" " * gap).join(GLYPHS.get(ch, blank)[r] for ch in text.upper()) for r in range(5)]
    return [row.replace("#", ink) for row in rows]


def fitted(text: str, width: int) -> list[str]:
    """``text`` as big as ``width`` columns allow: block letters, closer together if need be, else
    the text itself. Wider than the screen, block letters wrap into rows nobody can read (a clock
    at 10:00 or more at 40 columns)."""
    for gap in (3, 1):
        rows = big(text, gap=gap)
        if len(rows[0]) <= width:
            return rows
    return [text]
