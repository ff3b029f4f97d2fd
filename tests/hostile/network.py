"""Opens sockets: to the server's own port, and to another host."""

import socket

PORT = 8000  # the test writes the server's port here
HOSTS = [("127.0.0.1", PORT), ("1.1.1.1", 53), ("8.8.8.8", 443)]


def main():
    for host, port in HOSTS:
        try:
            with socket.create_connection((host, port), timeout=2):
                print(f"CONNECTED {host}:{port}")
        except OSError as exc:
            print(f"blocked {host}:{port}: {type(exc).__name__}")
