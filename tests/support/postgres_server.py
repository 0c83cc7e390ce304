"""A throw-away PostgreSQL server for the tests: its own cluster, Unix socket only, no TCP port.

Debian's ``postgresql`` package provides the binaries (``make test`` installs it). As root the
cluster runs as the ``postgres`` user, since PostgreSQL refuses to run as root.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not versions:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (make test does it)")
    return versions[-1].parent


class PostgresServer:
    def __init__(self):
        self.bin = pg_bin()
        # pytest's tmp folders are private to root; the postgres user needs a folder of its own
        root = self.root = Path(tempfile.mkdtemp(prefix="kakehashi-pg-"))
        self.data, self.sockets = root / "data", root / "sockets"
        self.sockets.mkdir(parents=True)
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(root, "postgres")
            shutil.chown(self.sockets, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "kakehashi", "-E", "UTF8", "--no-locale")
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(root / "server.log"), "-o",
                  f"-k {self.sockets} -c listen_addresses='' -c fsync=off", "start")
        self._run("createdb", "-h", str(self.sockets), "-U", "kakehashi", "kakehashi")

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / program), *args], check=True, capture_output=True,
                       cwd=self.root)

    def url(self, database: str = "kakehashi") -> str:
        return f"postgresql+psycopg://kakehashi@/{database}?host={self.sockets}"

    def create_database(self, name: str) -> str:
        self._run("createdb", "-h", str(self.sockets), "-U", "kakehashi", name)
        return self.url(name)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
