"""One running app per data dir: later launches hand their request to it over a local socket.

The first ``lodger gui`` listens on a ``QLocalServer`` whose name is derived from the user and the
data dir. A later ``lodger gui`` connects and sends ``show`` (the running app raises its window);
``lodger quick-ask`` sends ``quick-ask`` (the running app toggles its popup), which is how Wayland
users, who get no global hotkey, bind the popup to a desktop shortcut. Messages are one line of
UTF-8 each. A socket left behind by a crashed app is detected (nobody answers) and replaced.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

log = logging.getLogger("lodger.app")

SHOW = "show"
QUICK_ASK = "quick-ask"
CONNECT_MS = 500


def server_name(data_dir: str | Path) -> str:
    """The local socket name for ``data_dir`` (stable, per user, short enough for Unix paths)."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment
        user = "user"
    digest = hashlib.sha1(f"{user}\0{Path(data_dir).resolve()}".encode()).hexdigest()[:16]
    return f"lodger-{digest}"


def send_to_running(name: str, message: str, timeout_ms: int = CONNECT_MS) -> bool:
    """Send ``message`` to the app listening on ``name``; False when none is running."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(timeout_ms):
        return False
    sock.write((message.strip() + "\n").encode("utf-8"))
    sock.flush()
    ok = sock.waitForBytesWritten(timeout_ms)
    sock.disconnectFromServer()
    if sock.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        sock.waitForDisconnected(timeout_ms)
    return ok or sock.bytesToWrite() == 0


class SingleInstance(QObject):
    """The running app's end: listens and emits ``message_received`` for each line sent."""

    message_received = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        # No socket options: with them Qt binds in a temp dir and renames over the name, which
        # would silently take the name from a running app. Without them bind() fails while the
        # name is in use, and the socket file is made owner-only right after (see _listen).
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._on_connection)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start listening; replaces a stale socket. False when another app holds the name."""
        if self._listen():
            return True
        if self.server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
            probe = QLocalSocket()
            probe.connectToServer(self.name)
            if probe.waitForConnected(CONNECT_MS):
                probe.disconnectFromServer()
                return False  # a live app answered: the caller should hand over to it
            QLocalServer.removeServer(self.name)  # left behind by a crash
            if self._listen():
                return True
        log.warning("single-instance socket %s: %s", self.name, self.server.errorString())
        return False

    def _listen(self) -> bool:
        if not self.server.listen(self.name):
            return False
        # Connecting to a Unix socket needs write permission on its file: 0600 keeps other
        # users out. bind() creates it with default modes (no write for others under the usual
        # 022 or 002 masks), so between bind and chmod at most the user's group could send a
        # "show". Setting the mode process-wide instead would race the indexing thread.
        path = self.server.fullServerName()
        if os.name == "posix" and os.path.exists(path):
            try:
                os.chmod(path, 0o600)
            except OSError as exc:
                log.warning("single-instance socket %s: cannot make it private (%s)", path, exc)
        return True

    def close(self) -> None:
        self.server.close()

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            self._buffers[sock] = b""
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._closed(s))
            if sock.bytesAvailable():
                self._read(sock)

    def _read(self, sock: QLocalSocket) -> None:
        data = self._buffers.get(sock, b"") + bytes(sock.readAll().data())
        *lines, rest = data.split(b"\n")
        self._buffers[sock] = rest
        for line in lines:
            text = line.decode("utf-8", "replace").strip()
            if text:
                self.message_received.emit(text)

    def _closed(self, sock: QLocalSocket) -> None:
        rest = self._buffers.pop(sock, b"")
        if sock.bytesAvailable():
            rest += bytes(sock.readAll().data())
        text = rest.decode("utf-8", "replace").strip()
        if text:
            self.message_received.emit(text)
        sock.deleteLater()
