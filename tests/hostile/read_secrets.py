"""Reads what is not its own: a private key in the server's home, the recordings
database, the server's source.  In the sandbox none of it is there to read."""

SECRETS = ["/root/.ssh/id_rsa"]  # the test adds its own secret file and database


def main():
    for path in SECRETS:
        try:
            with open(path, "rb") as file:
                print(f"READ {path}: {file.read(40)!r}")
        except OSError as exc:
            print(f"blocked {path}: {type(exc).__name__}")
