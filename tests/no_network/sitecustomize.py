"""Loaded by every Python process the tests start (through PYTHONPATH): no connection may leave
the machine. pytest-socket guards the test process itself; this guards the servers and CLIs it
starts, so an attempt to reach the network fails loudly instead of hanging or passing unseen."""
import ipaddress
import socket

_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _is_local(address) -> bool:
    if not isinstance(address, tuple):  # Unix sockets
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guard(address):
    if not _is_local(address):
        raise ConnectionRefusedError(f"kakehashi tests: network access to {address!r} is blocked")


def connect(self, address):
    _guard(address)
    return _connect(self, address)


def connect_ex(self, address):
    _guard(address)
    return _connect_ex(self, address)


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
