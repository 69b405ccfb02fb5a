"""The citizen panel and the verdict badge (shared by the counter, clinic and kiosk screens)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytestqt.qtbot import QtBot

from tests.kiosk.fake_citizens import THU_ID, THU_NAME
from tests.ui.desk_fakes import StubController, chip_record, face_image, qr_record, verdict
from ui.qt import Qt, QtGui, QtWidgets
from ui.theme import Mode, apply_theme
from ui.widgets.citizen_panel import CitizenPanel, Density
from ui.widgets.verdict_badge import BADGE_VERDICTS, VerdictBadge

Shot = Callable[[object, str], Path]


def _settle() -> None:
    """Let pending layout requests run, as the event loop would before painting."""
    QtWidgets.QApplication.processEvents()


def _photo(panel: CitizenPanel) -> QtWidgets.QLabel:
    label = panel.findChild(QtWidgets.QLabel, "citizen_photo")
    assert label is not None
    return label


def _panel(qtbot: QtBot, **kwargs: object) -> CitizenPanel:
    panel = CitizenPanel(**kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.resize(640, 420)
    panel.show()
    return panel


def test_empty_panel_asks_for_the_card(qtbot: QtBot, screenshot: Shot) -> None:
    panel = _panel(qtbot)
    assert panel.record is None
    assert not panel.badge.isVisible()
    assert "Chưa có thông tin công dân." in panel.shown_texts()
    _settle()
    screenshot(panel, "counter_citizen_panel_empty")


def test_chip_record_shows_values_with_verified_marks(qtbot: QtBot, screenshot: Shot) -> None:
    panel = _panel(qtbot)
    panel.set_record(chip_record(verified=True))
    assert panel.value_text("full_name") == THU_NAME
    assert panel.value_text("id_number") == THU_ID
    assert panel.value_text("date_of_birth") == "05/09/1999"
    assert panel.value_text("sex") == "Nam"
    assert panel.mark_text("id_number") == "✔ chip"
    assert not panel.has_face()
    assert _photo(panel).text() == "Đang đọc ảnh…"
    panel.set_face(face_image())
    panel.set_verdict(verdict("genuine"))
    assert panel.has_face()
    assert panel.badge.verdict == "genuine"
    assert panel.badge.property("verdict") == "genuine"
    _settle()
    screenshot(panel, "counter_citizen_panel_genuine")


def test_unverified_chip_and_qr_values_are_marked_as_such(qtbot: QtBot, screenshot: Shot) -> None:
    panel = _panel(qtbot)
    panel.set_record(chip_record(verified=False))
    assert panel.mark_text("full_name") == "chip"
    panel.set_record(qr_record())
    assert panel.mark_text("full_name") == "QR"
    assert panel.value_text("full_name") == "Nguyễn Văn Thử"
    assert panel.value_text("nationality") == "—"  # not on the QR code
    panel.set_verdict(None)
    assert panel.badge.verdict == "unverified"
    assert "QR" in panel.badge.headline()
    assert _photo(panel).text() == "Không có ảnh"
    _settle()
    screenshot(panel, "counter_citizen_panel_qr_only")


def test_large_density_for_the_clinic(qtbot: QtBot, screenshot: Shot) -> None:
    panel = _panel(qtbot, density="large", fields=("full_name", "date_of_birth", "id_number"))
    panel.resize(760, 380)
    panel.set_record(chip_record())
    panel.set_face(face_image(3))
    panel.set_verdict(verdict("genuine"))
    assert _photo(panel).width() > 200
    assert panel.findChild(QtWidgets.QLabel, "value_sex") is None
    _settle()
    screenshot(panel, "clinic_citizen_panel_large")


def test_unknown_field_is_refused(qtbot: QtBot) -> None:
    with pytest.raises(ValueError, match="unknown record fields"):
        CitizenPanel(fields=("full_name", "blood_group"))


def test_clear_forgets_everything(qtbot: QtBot) -> None:
    panel = _panel(qtbot)
    panel.set_record(chip_record())
    panel.set_face(face_image())
    panel.set_verdict(verdict("genuine"))
    panel.clear()
    assert panel.record is None
    assert not panel.has_face()
    assert panel.badge.verdict is None
    assert not panel.badge.isVisible()
    photo = _photo(panel)
    assert photo.pixmap().isNull()
    texts = (
        " ".join(panel.shown_texts())
        + " "
        + " ".join(w.toolTip() for w in panel.findChildren(QtWidgets.QWidget))
    )
    for secret in (THU_NAME, THU_ID, "05/09/1999", "Cầu Giấy"):
        assert secret not in texts


def test_attach_follows_the_controller_and_wipes(qtbot: QtBot) -> None:
    controller = StubController()
    panel = _panel(qtbot)
    panel.attach(controller)
    controller.text_ready.emit(chip_record())
    assert panel.value_text("full_name") == THU_NAME
    controller.face_ready.emit(face_image())
    controller.verdict_ready.emit(verdict("clone_suspected"))
    assert panel.has_face()
    assert panel.badge.verdict == "clone_suspected"
    controller.wiped.emit()
    assert panel.record is None
    assert THU_NAME not in " ".join(panel.shown_texts())


@pytest.mark.parametrize("kind", ["genuine", "data_altered", "unknown_issuer", "clone_suspected"])
def test_badge_says_every_verdict_in_words(qtbot: QtBot, screenshot: Shot, kind: str) -> None:
    badge = VerdictBadge()
    qtbot.addWidget(badge)
    badge.resize(520, 90)
    badge.set_verdict(verdict(kind))
    badge.show()
    assert badge.verdict == kind
    assert badge.property("verdict") == kind
    assert badge.headline() and badge.details()
    _settle()
    screenshot(badge, f"counter_verdict_badge_{kind}")


def test_genuine_says_what_was_checked(qtbot: QtBot) -> None:
    badge = VerdictBadge()
    qtbot.addWidget(badge)
    badge.set_verdict(verdict("genuine", chip_checked=True))
    assert "chữ ký số" in badge.details()
    assert "chip gốc" in badge.details()
    assert "chưa loại trừ" not in badge.details()
    badge.set_verdict(verdict("genuine", chip_checked=False))
    # Genuine data on a chip that could not prove itself: never a silent green.
    assert "chưa loại trừ thẻ sao chép" in badge.details()


def test_badge_headlines_differ(qtbot: QtBot) -> None:
    badge = VerdictBadge()
    qtbot.addWidget(badge)
    headlines = set()
    for kind in BADGE_VERDICTS:
        if kind == "unverified":
            badge.set_unverified()
        else:
            badge.set_verdict(verdict(kind))
        headlines.add(badge.headline())
    assert len(headlines) == len(BADGE_VERDICTS)
    badge.clear()
    assert badge.property("verdict") == "" and badge.headline() == ""


def test_the_verdict_brings_the_verified_record(qtbot: QtBot) -> None:
    """text_ready comes before verification; with the verdict the session's final record
    (fields verified) replaces it."""
    controller = StubController()
    panel = _panel(qtbot)
    panel.attach(controller)
    controller.text_ready.emit(chip_record(verified=False))
    assert panel.mark_text("id_number") == "chip"
    controller.session = SimpleNamespace(record=chip_record(verified=True))  # type: ignore[attr-defined]
    controller.verdict_ready.emit(verdict("genuine"))
    assert panel.mark_text("id_number") == "✔ chip"


def test_a_scanned_qr_shows_at_once_and_stays_unverified(qtbot: QtBot) -> None:
    controller = StubController()
    controller.qr_read = controller.text_ready  # type: ignore[attr-defined]  # same signature
    panel = _panel(qtbot)
    panel.attach(controller)
    controller.text_ready.emit(qr_record())
    assert panel.mark_text("full_name") == "QR"
    assert _photo(panel).text() == "Ảnh chân dung có trong chip"
    assert panel.badge.verdict is None  # the card may still come
    controller.phase_changed.emit("wait_card")
    assert panel.badge.verdict is None
    controller.phase_changed.emit("choose")  # on without the chip
    assert panel.badge.verdict == "unverified"


@pytest.mark.parametrize("mode", ["kiosk", "counter", "clinic"])
@pytest.mark.parametrize("density", ["desk", "large"])
def test_photo_placeholder_fits_its_box(
    qtbot: QtBot, screenshot: Shot, mode: Mode, density: Density
) -> None:
    """A QR-only record: the photo box says the portrait is in the chip, wrapped inside the box
    at every mode's type size (one line "Ảnh có sau khi đọc chip" was cut to "sau khi đ")."""
    app = QtWidgets.QApplication.instance()
    assert isinstance(app, QtWidgets.QApplication)
    sheet, font = app.styleSheet(), app.font()
    apply_theme(app, mode)
    try:
        panel = CitizenPanel(density=density)
        qtbot.addWidget(panel)
        panel.resize(900, 640)
        panel.show()
        panel.set_record(qr_record())
        _settle()
        photo = _photo(panel)
        assert photo.text() == "Ảnh chân dung có trong chip"
        room = photo.contentsRect().adjusted(photo.margin(), photo.margin(), -photo.margin(),
                                             -photo.margin())  # fmt: skip
        metrics = QtGui.QFontMetrics(photo.font())
        needed = metrics.boundingRect(room, int(Qt.TextFlag.TextWordWrap), photo.text())
        assert needed.width() <= room.width() and needed.height() <= room.height(), needed
        # ...and the label lays its words out that way (a one-line label needs its whole text).
        assert photo.minimumSizeHint().width() <= photo.width()
        screenshot(panel, f"citizen-panel-qr-photo-{mode}-{density}")
    finally:
        app.setStyleSheet(sheet)
        app.setFont(font)
