"""A real SMTP server for tests, on 127.0.0.1 in a thread of its own: it speaks enough SMTP for
smtplib (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps every message it accepted, so a
test asserts what was delivered. `free_port()` (tests/servers.py, re-exported here) finds a port
with nothing listening on it: the mail server that is down."""

import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy

from tests.servers import free_port

__all__ = ["SmtpServer", "free_port", "smtp_mailers"]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self):
        return message_from_bytes(self.data, policy=policy.default)


@dataclass
class _State:
    refuse: set[str]
    messages: list[Received] = field(default_factory=list)
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Session(socketserver.StreamRequestHandler):
    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        state: _State = self.server.state
        with state.lock:
            state.connections += 1
        self.reply("220 kam-test ESMTP")
        sender, recipients = "", []
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").rstrip("\r\n")
            verb, _, argument = command.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self.reply("250-kam-test\r\n250 8BITMIME")
            elif verb in ("HELO", "NOOP"):
                self.reply("250 OK")
            elif verb == "MAIL":
                sender, recipients = argument.split(":", 1)[1].strip("<> "), []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = argument.split(":", 1)[1].strip().strip("<>")
                if address in state.refuse:
                    self.reply("550 No such user here")
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                with state.lock:
                    state.messages.append(Received(sender, recipients, b"".join(lines)))
                self.reply("250 OK: queued")
            elif verb == "RSET":
                sender, recipients = "", []
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SmtpServer:
    """with SmtpServer(port) as server: … server.messages, server.connections."""

    def __init__(self, port: int, refuse: tuple[str, ...] = ()):
        self.port = port
        self.state = _State(refuse=set(refuse))

    def __enter__(self):
        self._server = _Server(("127.0.0.1", self.port), _Session)
        self._server.state = self.state
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def messages(self) -> list[Received]:
        with self.state.lock:
            return list(self.state.messages)

    @property
    def connections(self) -> int:
        return self.state.connections


def smtp_mailers(port: int) -> dict:
    """settings.MAILERS for the SMTP server on 127.0.0.1:port, as kam/settings.py writes them."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
