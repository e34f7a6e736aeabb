"""The settings dialog: values round-trip through the settings file; folders index live."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtGui import QKeySequence

from app.hotkey import DEFAULT_HOTKEY, SETTING, hotkey_support, to_pynput
from app.settings_dialog import SettingsDialog
from indexing.settings import Settings
from tests.conftest import DEMO

pytestmark = pytest.mark.gui


def test_settings_round_trip(qtbot, make_window, tmp_path):
    """Dialog → settings.json → a new dialog shows the same values; a new folder gets indexed."""
    window = make_window()
    backend = window.backend
    notes = tmp_path / "more-notes"
    notes.mkdir()
    (notes / "boat.md").write_text("# Boat\n\nThe sailing boat is moored at Wannsee pier 4.\n",
                                   encoding="utf-8")
    model = tmp_path / "my-model.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 64)

    dialog = SettingsDialog(backend, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.folders.item(0, 1).text() != "…", timeout=10_000)
    assert dialog.folders.item(0, 0).text() == str(DEMO)
    assert dialog.folders.item(0, 1).text() == "17"  # files indexed under the demo folder
    assert dialog.hotkey_text() == DEFAULT_HOTKEY
    dialog.add_folder(str(notes))
    dialog.addresses.setPlainText("sam.rivera@example.org\n  sam@rivera.example \n")
    dialog.model_path.setText(str(model))
    dialog.threads.setValue(3)
    dialog.n_ctx.setValue(8192)
    dialog.gpu_layers.setValue(0)
    dialog.timezone.setCurrentText("America/New_York")
    dialog.hotkey.setKeySequence(QKeySequence("Ctrl+Shift+L"))
    with qtbot.waitSignal(backend.settings_changed, timeout=5_000):
        dialog.accept()

    saved = Settings.load(backend.data_dir)
    assert saved.folders == [str(DEMO), str(notes)]
    assert saved.user_addresses == ["sam.rivera@example.org", "sam@rivera.example"]
    assert saved.addresses_guessed is False
    assert saved.model_path == str(model)
    assert (saved.n_threads, saved.n_ctx, saved.n_gpu_layers) == (3, 8192, 0)
    assert saved.timezone == "America/New_York"
    assert saved.extras[SETTING] == "Ctrl+Shift+L"
    assert backend.settings == saved

    again = SettingsDialog(backend, window)
    qtbot.addWidget(again)
    assert [again.folders.item(r, 0).text() for r in range(again.folders.rowCount())] == \
        [str(DEMO), str(notes)]
    assert again.addresses.toPlainText() == "sam.rivera@example.org\nsam@rivera.example"
    assert again.model_path.text() == str(model)
    assert (again.threads.value(), again.n_ctx.value(), again.gpu_layers.value()) == (3, 8192, 0)
    assert again.timezone.currentText() == "America/New_York"
    assert again.hotkey_text() == "Ctrl+Shift+L"
    assert again.result_settings() == saved

    # The new folder was indexed on the indexing lane: its note is in the store.
    qtbot.waitUntil(lambda: not backend.indexing, timeout=20_000)
    paths = set(backend.ws.store.all_file_paths())
    assert str(notes / "boat.md") in paths


def test_removing_a_folder_forgets_its_files(qtbot, make_window):
    """Removing the demo folder in the dialog drops its files from the index."""
    window = make_window()
    backend = window.backend
    assert any(p.startswith(str(DEMO)) for p in backend.ws.store.all_file_paths())
    dialog = SettingsDialog(backend, window)
    qtbot.addWidget(dialog)
    dialog.folders.selectRow(0)
    dialog.remove_selected()
    assert dialog.folders.rowCount() == 0
    dialog.accept()
    assert Settings.load(backend.data_dir).folders == []
    qtbot.waitUntil(lambda: not backend.index_lane.busy, timeout=20_000)
    assert backend.ws.store.all_file_paths() == []


def test_bad_hotkey_is_refused_with_a_reason(qtbot, make_window):
    """A hotkey without a modifier is not saved; the dialog says why and stays open."""
    window = make_window()
    dialog = SettingsDialog(window.backend, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.hotkey.setKeySequence(QKeySequence("Q"))
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.hotkey_help.text() == "Global hotkey: 'Q' needs a modifier such as Ctrl or Alt."
    assert SETTING not in Settings.load(window.backend.data_dir).extras


def test_hotkey_notation():
    """Qt's key names become pynput's; nonsense is refused with a reason."""
    assert to_pynput("Ctrl+Alt+Space") == "<ctrl>+<alt>+<space>"
    assert to_pynput("Meta+Shift+K") == "<cmd>+<shift>+k"
    assert to_pynput("Ctrl+F12") == "<ctrl>+<f12>"
    with pytest.raises(ValueError, match="unknown key 'Foo'"):
        to_pynput("Ctrl+Foo")
    with pytest.raises(ValueError, match="not a key combination"):
        to_pynput("")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Wayland is Linux only")
def test_no_hotkey_on_wayland_says_what_to_do(monkeypatch):
    """On Wayland the hint names the desktop shortcut and `lodger quick-ask`."""
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    ok, why = hotkey_support("wayland")
    assert not ok
    assert "lodger quick-ask" in why and "Wayland" in why


def test_folder_added_while_the_workspace_opens_is_indexed(qtbot, tmp_path, opened, demo_now,
                                                           monkeypatch):
    """Choosing the demo data before the index has opened still indexes it (no lost folder)."""
    import threading

    from app.backend import Backend
    from app.main_window import MainWindow

    opened_ws = threading.Event()
    release = threading.Event()
    original = Backend._open_workspace

    def slow_open(self):  # the settings file is read, then the GUI saves a new folder
        ws = original(self)
        opened_ws.set()
        release.wait(10)
        return ws

    monkeypatch.setattr(Backend, "_open_workspace", slow_open)
    backend = Backend(tmp_path / "fresh", embedder="hash", watch=False, check_index=False)
    window = MainWindow(backend, open_file=opened)
    qtbot.addWidget(window)
    try:
        window.show()
        assert window.pages.currentWidget() is window.welcome
        backend.start()
        assert opened_ws.wait(20)
        window.welcome.demo_button.click()
        release.set()
        qtbot.waitUntil(lambda: backend.ws is not None and not backend.indexing, timeout=30_000)
        assert backend.settings.folders == [str(DEMO)]
        assert Settings.load(backend.data_dir).folders == [str(DEMO)]
        assert len([p for p in backend.ws.store.all_file_paths() if p.startswith(str(DEMO))]) == 17
        assert window.status.label.text().startswith("Up to date: 17 files checked, 17 indexed")
    finally:
        release.set()
        backend.shutdown()
