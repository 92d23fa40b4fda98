"""This machine's address on the local network, for students joining a class (app.py and /api/join)."""
import socket


def lan_address():
    """The IPv4 address of the route to the local network, or None (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # UDP connect only picks a route
            return s.getsockname()[0]
        except OSError:
            return None


def is_loopback(host):
    """True for names that only this machine can open (localhost, 127.x, ::1)."""
    return host in ("localhost", "::1", "[::1]") or host.startswith("127.")
