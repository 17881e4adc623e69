"""The 16-colour theme: on a terminal with 16 colours (TERM=linux, the Linux console, many thin
clients) Textual's own theme falls to the nearest colours, some 1:1 on each other (bright red
keys on grey). This one is drawn in those 16 colours (the VGA palette), each text colour on its
background at least 4.5:1 (WCAG AA), as tests/app/test_contrast.py checks."""

from __future__ import annotations

from textual.theme import Theme

BLACK = "#000000"
BLUE = "#0000aa"
RED = "#aa0000"
CYAN = "#00aaaa"
GREY = "#aaaaaa"
BRIGHT_RED = "#ff5555"
BRIGHT_GREEN = "#55ff55"
YELLOW = "#ffff55"
BRIGHT_CYAN = "#55ffff"
WHITE = "#ffffff"

SIXTEEN_COLOURS = Theme(
    name="revisit-16",
    primary=BLUE,
    secondary=CYAN,
    accent=CYAN,  # 25-30% of it over black stays black: no blend falls on grey under text
    warning=YELLOW,
    error=RED,
    success=BRIGHT_GREEN,
    foreground=GREY,
    background=BLACK,
    surface=BLACK,
    panel=BLUE,
    boost=BLACK,
    dark=True,
    variables={
        "text": WHITE,
        "text-muted": GREY,
        "text-disabled": GREY,
        "text-primary": BRIGHT_CYAN,
        "text-secondary": BRIGHT_CYAN,
        "text-accent": YELLOW,
        "text-warning": YELLOW,
        "text-error": BRIGHT_RED,
        "text-success": BRIGHT_GREEN,
        "foreground-muted": GREY,
        "primary-muted": BLUE,
        "secondary-muted": BLACK,
        "accent-muted": BLACK,
        "warning-muted": BLACK,
        "error-muted": RED,
        "success-muted": BLACK,
        "border": CYAN,
        "border-blurred": GREY,
        "block-cursor-foreground": BLACK,
        "block-cursor-background": BRIGHT_CYAN,  # bold black shows dark grey: on a light colour
        "block-cursor-text-style": "none",
        "block-cursor-blurred-foreground": WHITE,
        "block-cursor-blurred-background": BLUE,
        "block-cursor-blurred-text-style": "none",
        "block-hover-background": BLACK,
        "footer-background": BLUE,
        "footer-foreground": WHITE,
        "footer-key-foreground": YELLOW,
        "footer-key-background": BLUE,
        "footer-description-foreground": WHITE,
        "footer-description-background": BLUE,
        "footer-item-background": BLUE,
        "input-cursor-background": WHITE,
        "input-cursor-foreground": BLACK,
        "input-cursor-text-style": "none",
        "input-selection-background": CYAN,
        "input-selection-foreground": BLACK,
        "scrollbar": CYAN,
        "scrollbar-hover": BRIGHT_CYAN,
        "scrollbar-active": BRIGHT_CYAN,
        "scrollbar-background": BLACK,
        "scrollbar-background-hover": BLACK,
        "scrollbar-background-active": BLACK,
        "scrollbar-corner-color": BLACK,
        "screen-selection-background": CYAN,
        "screen-selection-foreground": BLACK,
    },
)
"""Blue bars with white text and yellow keys, grey text on black, a bright cyan cursor with black
text; errors bright red on black, or white on red."""

FEW_COLOURS = frozenset({"standard", "windows"})
"""Rich's colour systems of 16 (or 8) colours, where the 16-colour theme is used."""
