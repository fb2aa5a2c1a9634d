"""A real SMTP server in the test process (aiosmtpd): what the app's mail reaches, read back as parsed messages."""
import email
import socket
import threading
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Mailbox:
    """An SMTP server on 127.0.0.1:`port` keeping every message it accepted (`messages`), until `stop()`."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname='127.0.0.1', port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content, policy=default)
        with self._lock:
            self.messages.append(message)
        return '250 OK'

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m['To'] == address]

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(('plain',)).get_content()

    def stop(self) -> None:
        self.controller.stop()

    def config(self) -> dict:
        """The app's settings for sending here."""
        return {'MAIL_SERVER': '127.0.0.1', 'MAIL_PORT': self.port, 'MAIL_SENDER': 'xueshi@example.com'}
