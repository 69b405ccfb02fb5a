"""The look of every mode in one place: Qt style sheets keyed on objectNames and properties.

Widgets never set colours themselves; they say what they are and this module styles it:

- ``QPushButton[role="primary"|"secondary"|"danger"]``;
- ``QLabel#title``, ``#subtitle``, ``#hint``, ``#big_number``;
- a ``verdict`` property on any widget: ``genuine``, ``data_altered``, ``unknown_issuer``,
  ``clone_suspected`` or ``unverified``. Every verdict colour goes with words and a border
  pattern of its own (solid / dashed / double), never colour alone (WCAG 1.4.1);
- ``severity`` (``info``/``warning``/``error``) on banners (:class:`ui.widgets.offline_banner`);
- a ``mode`` property (``kiosk``/``counter``/``clinic``) on top-level windows;
- ``QLabel#field_error``/``#key_error`` (what to correct), ``#source_mark`` (where a value came
  from; ``verified`` false greys it), ``locked`` frames (filled from the chip, read-only),
  ``fresh`` (the clinic's newest ticket), ``tone`` keys of the on-screen keyboard.

The sheet for a mode is applied to the whole application (:func:`apply_theme`), so a kiosk gets
large type (20 pt body) and touch targets of at least 56 px everywhere, a counter a compact desk
layout, a clinic a large patient panel and a huge ticket number. After changing a dynamic
property at run time call :func:`repolish` so the style follows.

Colours: text/background pairs chosen for a contrast ratio of at least 4.5:1 (WCAG 2.1 AA).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.config import UI_MODES, UiMode
from ui.qt import QtGui, QtWidgets

Mode = UiMode
MODES: tuple[Mode, ...] = UI_MODES
VERDICTS: tuple[str, ...] = (
    "genuine", "data_altered", "unknown_issuer", "clone_suspected", "unverified",
)
#: The smallest height of anything a finger presses in kiosk mode (px).
KIOSK_TOUCH_PX = 56
#: Noto Sans, shipped in assets/fonts: its metrics make room for Vietnamese capitals with two
#: marks. With DejaVu Sans, Qt drew "NGUYỄN VĂN THỬ" as "NGUYÊN VĂN THỨ" at every size and
#: hinting (PIL draws the same font right): a citizen's name shown wrong on the verdict screen.
FONT_FAMILY = "Noto Sans"
# Vietnamese capitals with two marks (Ễ, Ấ, Ồ, Ử) rise above a font's ascent, and a QLabel is
# only ascent + descent tall: keep some headroom whatever the font.
DIACRITIC_HEADROOM_EM = 0.25  # rounding to whole pixels takes up to 1 px at 11 pt


@dataclass(frozen=True)
class Metrics:
    """The sizes of one mode."""

    body_pt: int
    title_pt: int
    subtitle_pt: int
    hint_pt: int
    big_number_pt: int
    button_min_px: int
    button_pad_px: int
    radius_px: int
    spacing_px: int


METRICS: dict[Mode, Metrics] = {
    "kiosk": Metrics(body_pt=20, title_pt=32, subtitle_pt=24, hint_pt=18, big_number_pt=72,
                     button_min_px=KIOSK_TOUCH_PX + 8, button_pad_px=16, radius_px=12,
                     spacing_px=16),
    "counter": Metrics(body_pt=11, title_pt=18, subtitle_pt=14, hint_pt=10, big_number_pt=36,
                       button_min_px=32, button_pad_px=8, radius_px=4, spacing_px=6),
    "clinic": Metrics(body_pt=15, title_pt=26, subtitle_pt=20, hint_pt=13, big_number_pt=120,
                      button_min_px=48, button_pad_px=12, radius_px=8, spacing_px=10),
}

# Palette (foreground on background, each >= 4.5:1).
INK = "#1a1a1a"
PAPER = "#f7f7f5"
MUTED = "#4a4a4a"
PRIMARY = "#0b5394"  # white text on it: 7.6:1
PRIMARY_DOWN = "#073763"
SECONDARY_BG = "#e3e8ef"
DANGER = "#b00020"  # white text on it: 6.6:1
FOCUS = "#ff9900"
DISABLED_BG = "#d0d0d0"
ERROR_TEXT = "#9b0018"  # on PAPER: 7.9:1
VERIFIED_TEXT = "#1e5c2e"  # "from the chip" marks, on PAPER: 7.4:1
LOCKED_BG = "#eef3ee"  # fields filled from the verified chip: read-only
TONE_BG = "#fff1cc"  # the keyboard's Vietnamese tone keys
DISABLED_FG = "#5a5a5a"

#: verdict -> (text colour, background, border colour, border style)
VERDICT_STYLES: dict[str, tuple[str, str, str, str]] = {
    "genuine": ("#0b4d1e", "#dff3e4", "#1e7b34", "solid"),
    "unknown_issuer": ("#5c3d00", "#fff1cc", "#a86b00", "dashed"),
    "data_altered": ("#7a0010", "#fde0e3", "#b00020", "double"),
    "clone_suspected": ("#7a0010", "#fde0e3", "#b00020", "double"),
    "unverified": ("#333333", "#ececec", "#6b6b6b", "dotted"),
}

#: severity -> (text colour, background)
SEVERITY_STYLES: dict[str, tuple[str, str]] = {
    "info": ("#0b3d66", "#dcebf7"),
    "warning": ("#4d3300", "#ffe7a8"),
    "error": ("#ffffff", DANGER),
}


def stylesheet(mode: Mode) -> str:
    """The application-wide style sheet of ``mode``."""
    if mode not in METRICS:
        raise ValueError(f"unknown mode {mode!r}")
    m = METRICS[mode]
    line_px = 3 if mode == "kiosk" else 2
    # Keyboard keys: 52 px + 2 px border each side = the 56 px touch minimum; a row lower than
    # other buttons, so the form and the keyboard fit a 720 px tall kiosk together.
    key_min_px = KIOSK_TOUCH_PX - 4 if mode == "kiosk" else m.button_min_px
    verdict_rules = "\n".join(
        f'*[verdict="{name}"] {{ color: {fg}; background-color: {bg}; '
        # A double line needs three pixels per stroke-gap-stroke to show as double.
        f"border: {line_px * 2 if style == 'double' else line_px}px {style} {border}; "
        f"border-radius: {m.radius_px}px; padding: {m.spacing_px // 2 + 2}px; }}"
        for name, (fg, bg, border, style) in VERDICT_STYLES.items()
    )
    severity_rules = "\n".join(
        f'*[severity="{name}"] {{ color: {fg}; background-color: {bg}; }}\n'
        f'*[severity="{name}"] QLabel {{ color: {fg}; background: transparent; }}'
        for name, (fg, bg) in SEVERITY_STYLES.items()
    )
    # A flagged panel keeps its frame; colour, a thicker border and its text say what is wrong.
    panel_rules = "\n".join(
        f'QFrame#panel[severity="{name}"] {{ background-color: {bg}; '
        f"border: 3px solid {DANGER if name == 'error' else fg}; }}\n"
        f'QFrame#panel[severity="{name}"] QLabel {{ color: {fg}; background: transparent; }}'
        for name, (fg, bg) in SEVERITY_STYLES.items()
    )
    return f"""
* {{ font-family: "{FONT_FAMILY}"; font-size: {m.body_pt}pt; }}
QMainWindow, QDialog, QWidget[mode] {{ background-color: {PAPER}; color: {INK}; }}
QLabel {{ color: {INK}; padding-top: {DIACRITIC_HEADROOM_EM}em; }}
QLabel#title {{ font-size: {m.title_pt}pt; font-weight: bold; }}
QLabel#subtitle {{ font-size: {m.subtitle_pt}pt; }}
QLabel#hint {{ font-size: {m.hint_pt}pt; color: {MUTED}; }}
QLabel#big_number {{
    font-size: {m.big_number_pt}pt; font-weight: bold; color: {PRIMARY}; padding-top: 0;
}}
QPushButton {{
    min-height: {m.button_min_px}px; padding: 0 {m.button_pad_px}px;
    border-radius: {m.radius_px}px; border: 2px solid {PRIMARY};
    background-color: {SECONDARY_BG}; color: {PRIMARY_DOWN};
}}
QPushButton:focus {{ border: 3px solid {FOCUS}; }}
QPushButton:pressed {{ background-color: {PRIMARY_DOWN}; color: white; }}
QPushButton[role="primary"] {{ background-color: {PRIMARY}; color: white; font-weight: bold; }}
QPushButton[role="primary"]:pressed {{ background-color: {PRIMARY_DOWN}; }}
QPushButton[role="secondary"] {{ background-color: {SECONDARY_BG}; color: {PRIMARY_DOWN}; }}
QPushButton[role="danger"] {{
    background-color: {DANGER}; color: white; border-color: {DANGER}; font-weight: bold;
}}
QPushButton:checked, QPushButton[role]:checked {{
    background-color: {PRIMARY}; color: white; font-weight: bold; border-color: {PRIMARY_DOWN};
}}
QPushButton:disabled, QPushButton[role]:disabled {{
    background-color: {DISABLED_BG}; color: {DISABLED_FG}; border-color: {DISABLED_BG};
}}
QLineEdit, QComboBox, QDateEdit, QSpinBox, QPlainTextEdit, QTextEdit {{
    min-height: {max(m.button_min_px - 8, 24)}px; padding: 0 {m.spacing_px // 2}px;
    border: 2px solid #8a8a8a; border-radius: {max(m.radius_px // 2, 3)}px;
    background: white; color: {INK};
}}
QLineEdit:focus, QComboBox:focus, QDateEdit:focus {{ border-color: {PRIMARY}; }}
QLineEdit:read-only {{ background: {SECONDARY_BG}; }}
QProgressBar {{
    min-height: {max(m.button_min_px // 3, 12)}px; border: 2px solid {PRIMARY};
    border-radius: {m.radius_px // 2}px; text-align: center; background: white;
}}
QProgressBar::chunk {{ background-color: {PRIMARY}; }}
QFrame#panel {{
    background: white; border: 1px solid #c8c8c8; border-radius: {m.radius_px}px;
}}
QFrame#patient_panel {{
    background: white; border: 2px solid {PRIMARY}; border-radius: {m.radius_px}px;
}}
QFrame#patient_panel QLabel {{ font-size: {m.subtitle_pt}pt; }}
QFrame#patient_panel QLabel#title {{ font-size: {m.title_pt + 4}pt; }}
{verdict_rules}
{severity_rules}
{panel_rules}
QScrollArea, QWidget#operator_sections {{ background: transparent; }}
QFrame#failure_panel {{ border-radius: {m.radius_px}px; border: {line_px}px solid {DANGER}; }}
QLabel#citizen_photo {{ font-size: {max(m.hint_pt - 4, 8)}pt; color: {MUTED}; }}
QLabel#support_code {{ font-size: {max(m.hint_pt - 4, 8)}pt; color: {MUTED}; }}
QFrame#offline_banner {{ padding: {m.spacing_px // 2}px {m.spacing_px}px; }}
QWidget#language_switch QPushButton {{
    min-width: {m.button_min_px + 8}px; font-weight: bold;
}}
QToolTip {{ color: {INK}; background: white; border: 1px solid {MUTED}; }}
QLabel#field_error, QLabel#key_error {{ color: {ERROR_TEXT}; font-weight: bold; }}
QLabel#source_mark {{ color: {VERIFIED_TEXT}; font-size: {m.hint_pt}pt; }}
QLabel#source_mark[verified="false"] {{ color: {MUTED}; }}
QFrame[locked="true"] {{ background-color: {LOCKED_BG}; border-radius: {m.radius_px}px; }}
QFrame[fresh="true"] {{ border: 4px solid {PRIMARY}; border-radius: {m.radius_px}px; }}
QPushButton[tone="true"] {{ background-color: {TONE_BG}; }}
QFrame#keyboard QPushButton {{ min-height: {key_min_px}px; }}
"""


def app_font(mode: Mode) -> QtGui.QFont:
    """The application font of ``mode`` (Noto Sans: every Vietnamese mark, stacked ones too)."""
    font = QtGui.QFont(FONT_FAMILY)
    font.setPointSize(METRICS[mode].body_pt)
    font.setStyleStrategy(QtGui.QFont.StyleStrategy.PreferAntialias)
    return font


def apply_theme(app: QtWidgets.QApplication, mode: Mode) -> None:
    """Style the whole application for ``mode``."""
    app.setFont(app_font(mode))
    app.setStyleSheet(stylesheet(mode))


def repolish(widget: QtWidgets.QWidget) -> None:
    """Re-apply the style sheet after a dynamic property (``verdict``, ``role``…) changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def repolish_tree(widget: QtWidgets.QWidget) -> None:
    """Restyle ``widget`` and every widget under it: rules like ``*[severity] QLabel`` select
    the children through the parent's property, and Qt only re-evaluates the widget that
    changed (a failure banner turned red kept its labels' dark ink: unreadable)."""
    repolish(widget)
    for child in widget.findChildren(QtWidgets.QWidget):
        repolish(child)


def set_verdict(widget: QtWidgets.QWidget, verdict: str) -> None:
    """Set the ``verdict`` property (a Verdict value or ``unverified``) and restyle."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    widget.setProperty("verdict", verdict)
    repolish(widget)
