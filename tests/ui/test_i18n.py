"""Languages: every ui string has its English, the .qm is current, switching is live."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import ui.i18n as i18n
from ui.i18n import (
    QM_FILE,
    TS_DIR,
    TranslationMissingError,
    current_language,
    pick,
    set_language,
    source_strings,
    toggle_language,
)
from ui.qt import QtGui, QtWidgets
from ui.theme import KIOSK_TOUCH_PX, apply_theme
from ui.widgets.language_switch import LanguageSwitch

REPO = Path(__file__).resolve().parents[2]
LRELEASE = REPO / ".venv" / "bin" / "pyside6-lrelease"


@pytest.fixture(autouse=True)
def vietnamese(qapp: QtWidgets.QApplication) -> Iterator[None]:
    set_language("vi")
    yield
    set_language("vi")


def ui_modules() -> list[Path]:
    return sorted((REPO / "ui").rglob("*.py"))


def translations() -> dict[tuple[str, str], list[str]]:
    """(context, source) -> the finished English forms (empty list: unfinished)."""
    table: dict[tuple[str, str], list[str]] = {}
    for ts in sorted(TS_DIR.glob("*.ts")):
        for context in ET.parse(ts).getroot().iter("context"):
            name = context.findtext("name") or ""
            for message in context.iter("message"):
                source = message.findtext("source") or ""
                tr = message.find("translation")
                assert tr is not None
                if tr.get("type") in ("unfinished", "obsolete", "vanished"):
                    forms: list[str] = []
                elif message.get("numerus") == "yes":
                    forms = [f.text or "" for f in tr.iter("numerusform")]
                else:
                    forms = [tr.text or ""]
                table[(name, source)] = forms
    return table


def test_every_ui_string_has_a_finished_english_translation() -> None:
    table = translations()
    problems: list[str] = []
    for module in ui_modules():
        for s in source_strings(module):
            where = f"{module.relative_to(REPO)}:{s.line} {s.context}: {s.source!r}"
            forms = table.get((s.context, s.source))
            if forms is None:
                problems.append(f"{where}: in no .ts (run scripts/i18n.sh <part> {module.name})")
            elif not forms or not all(f.strip() for f in forms):
                problems.append(f"{where}: English missing")
            elif s.plural and (len(forms) != 2 or not all("%n" in f for f in forms)):
                problems.append(f"{where}: needs singular and plural forms with %n")
    assert not problems, "\n".join(problems)


def test_the_committed_qm_is_compiled_from_the_current_ts(tmp_path: Path) -> None:
    ts_files = sorted(TS_DIR.glob("*.ts"))
    assert ts_files
    fresh = tmp_path / "fresh.qm"
    subprocess.run([str(LRELEASE), *map(str, ts_files), "-qm", str(fresh)], check=True,
                   capture_output=True)
    assert fresh.read_bytes() == QM_FILE.read_bytes(), "run scripts/i18n.sh and commit the .qm"


def test_switching_language_retranslates_live_widgets(qtbot: QtBot) -> None:
    switch = LanguageSwitch()
    other = LanguageSwitch()  # another screen's switch follows
    qtbot.addWidget(switch)
    qtbot.addWidget(other)
    assert switch.toolTip() == "Chọn ngôn ngữ hiển thị"
    assert switch.button("vi").isChecked()
    with qtbot.waitSignal(switch.language_changed) as signal:
        switch.button("en").click()
    assert signal.args == ["en"]
    assert current_language() == "en"
    assert switch.toolTip() == "Choose the display language"
    assert other.button("en").isChecked() and not other.button("vi").isChecked()
    assert pick("Họ và tên", "Full name") == "Full name"
    other.button("vi").click()
    assert switch.toolTip() == "Chọn ngôn ngữ hiển thị"
    assert switch.button("vi").isChecked()
    assert pick("Họ và tên", "Full name") == "Họ và tên"


@pytest.mark.parametrize("mode", ["kiosk", "counter"])
def test_the_switch_is_big_in_kiosk_mode(qtbot: QtBot, qapp: QtWidgets.QApplication, mode: str,
                                         screenshot: Callable[[object, str], Path]) -> None:
    apply_theme(qapp, mode)  # type: ignore[arg-type]
    try:
        switch = LanguageSwitch()
        qtbot.addWidget(switch)
        switch.show()
        qtbot.waitExposed(switch)
        height = switch.button("vi").height()
        assert height >= (KIOSK_TOUCH_PX if mode == "kiosk" else 24)
        assert switch.button("vi").width() >= height  # a square-ish target, not a sliver
        set_language("en")
        screenshot(switch, f"language_switch_{mode}_en")
        on = switch.button("en").grab().toImage()
        off = switch.button("vi").grab().toImage()
        middle = (on.width() // 2, 4)  # above the letters: the button's fill
        assert on.pixelColor(*middle) != off.pixelColor(*middle)  # the chosen side stands out
    finally:
        qapp.setStyleSheet("")
        qapp.setFont(QtGui.QFont())


def test_pressing_the_current_language_changes_nothing(qtbot: QtBot) -> None:
    switch = LanguageSwitch()
    qtbot.addWidget(switch)
    with qtbot.assertNotEmitted(switch.language_changed):
        switch.button("vi").click()
    assert switch.button("vi").isChecked()


def test_each_side_is_named_in_its_own_language(qtbot: QtBot) -> None:
    switch = LanguageSwitch()
    qtbot.addWidget(switch)
    set_language("en")
    assert switch.button("vi").accessibleName() == "Tiếng Việt"
    assert switch.button("en").accessibleName() == "English"


def test_toggle_and_pick_fallback() -> None:
    assert toggle_language() == "en"
    assert pick("Quê quán", "") == "Quê quán"  # no English: Vietnamese
    assert toggle_language() == "vi"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        set_language("fr")  # type: ignore[arg-type]
    assert current_language() == "vi"


def test_missing_translations_are_a_clear_error(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setattr(i18n, "QM_FILE", tmp_path / "absent.qm")
    with pytest.raises(TranslationMissingError) as err:
        set_language("en")
    assert err.value.code == "translations_missing"
    assert current_language() == "vi"


def test_source_strings_sees_what_lupdate_sees(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        '"""Docs mention self.tr("not a string to translate")."""\n'
        "class Screen:\n"
        "    def retranslate(self) -> None:\n"
        '        self.a = self.tr("Xin chào")\n'
        '        self.b = self.tr("%n hồ sơ", "", 3)\n'
        "        self.c = self.tr(variable)\n"
        "class Other:\n"
        '    x = QCoreApplication.translate("Ctx", "Quay lại")\n',
        encoding="utf-8",
    )
    found = [(s.context, s.source, s.plural) for s in source_strings(module)]
    assert found == [("Screen", "Xin chào", False), ("Screen", "%n hồ sơ", True),
                     ("Ctx", "Quay lại", False)]


def test_the_refresh_script_keeps_the_sources_and_flags_uncovered_modules(
        tmp_path: Path) -> None:
    """scripts/i18n.sh on a copy of the tree: the .ts survive a refresh unchanged."""
    work = tmp_path / "tree"
    shutil.copytree(REPO / "ui", work / "ui")
    shutil.copytree(REPO / "assets" / "i18n", work / "assets" / "i18n")
    shutil.copytree(REPO / "scripts", work / "scripts")
    (work / ".venv").symlink_to(REPO / ".venv")
    (work / "kiosk").symlink_to(REPO / "kiosk")
    (work / "cardreader").symlink_to(REPO / "cardreader")
    (work / "ui" / "widgets" / "stray.py").write_text(
        "class Stray:\n    def f(self) -> str:\n        return self.tr('Chưa dịch')\n",
        encoding="utf-8")
    before = {p.name: messages(p) for p in (work / "assets/i18n/en").glob("*.ts")}
    result = subprocess.run(["bash", "scripts/i18n.sh"], cwd=work, capture_output=True,
                            text=True, check=True)
    assert "ui/widgets/stray.py has tr() strings but no .ts covers it" in result.stderr
    after = {p.name: messages(p) for p in (work / "assets/i18n/en").glob("*.ts")}
    assert after.keys() == before.keys()
    for name, kept in before.items():  # every finished translation survives (line numbers and
        assert kept <= after[name], name  # strings of sources edited since may differ)
    fresh = work / QM_FILE.relative_to(REPO)
    assert fresh.stat().st_size > 0


def messages(ts: Path) -> set[tuple[str, str, tuple[str, ...]]]:
    """(context, source, English forms) of the finished messages of a .ts file."""
    found: set[tuple[str, str, tuple[str, ...]]] = set()
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            tr = message.find("translation")
            if tr is None or tr.get("type"):
                continue
            forms = tuple(f.text or "" for f in tr.iter("numerusform")) or (tr.text or "",)
            found.add((name, message.findtext("source") or "", forms))
    return found


def test_no_english_text_hedges_its_plural() -> None:
    """Counts use Qt's %n plural forms ("1 field", "2 fields"), never "field(s)"."""
    hedged = [
        "".join(node.itertext())
        for ts in sorted(TS_DIR.glob("*.ts"))
        for node in ET.parse(ts).getroot().iter("translation")
        if "(s)" in "".join(node.itertext())
    ]
    assert hedged == []


def test_counts_take_the_english_plural_form(qtbot: QtBot) -> None:
    from ui.windows.kiosk_window import IdleOverlay

    parent = QtWidgets.QWidget()
    qtbot.addWidget(parent)
    overlay = IdleOverlay(parent)
    set_language("en")
    overlay.set_seconds(1)
    assert overlay.countdown.text().endswith("in 1 second.")
    overlay.set_seconds(30)
    assert overlay.countdown.text().endswith("in 30 seconds.")
    set_language("vi")
    assert overlay.countdown.text().endswith("sau 30 giây.")
