"""One instance per person and desk: a second launch asks the first to come forward."""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket


def server_name(data_dir: Path) -> str:
    digest = hashlib.sha256(f"{getpass.getuser()}|{data_dir.resolve()}".encode()).hexdigest()
    return f"duty-desk-{digest[:20]}"


class SingleInstance(QObject):
    raise_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(data_dir)
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._on_connection)

    def ask_running_instance(self, patience_ms: int = 500) -> bool:
        """True if another instance answered (and was asked to raise its window).

        The first instance starts listening just after its window appears, so a launch
        in that moment waits up to ``patience_ms`` for it.
        """
        socket = QLocalSocket()
        for _ in range(max(1, patience_ms // 100)):
            socket.connectToServer(self.name)
            if socket.waitForConnected(100):
                break
            QThread.msleep(100)
        else:
            return False
        socket.write(b"raise\n")
        socket.flush()
        socket.waitForBytesWritten(500)
        socket.disconnectFromServer()
        return True

    def listen(self) -> bool:
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if self._server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)  # a stale socket from a crash
        return self._server.listen(self.name)

    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: c.readAll())
            connection.disconnected.connect(connection.deleteLater)
            self.raise_requested.emit()
