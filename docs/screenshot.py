"""Screenshot of a statement-group page of `quotes serve`, for the README (docs/tour.sh runs it).

Starts `quotes serve` on a free loopback port, picks the statement carried by the most outlets (the
first row of the `carried_by_3_outlets` canned query) unless --group says which, and has Debian's
headless Chromium save the page as a PNG. Nothing leaves the machine: the page loads no script or
style from elsewhere, and Chromium's background networking is off.

Usage: python docs/screenshot.py --db quotes.db [--group ID] [--out docs/img/group.png]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--force-device-scale-factor=1"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"quotes serve exited ({server.returncode}): {server.stderr.read().strip()}")
        try:
            with urllib.request.urlopen(base + "/-/versions.json", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"quotes serve did not answer on {base} within {timeout:.0f} s")


def widest_group(base: str, database: str) -> int:
    with urllib.request.urlopen(f"{base}/{database}/carried_by_3_outlets.json?_shape=array", timeout=30) as r:
        rows = json.load(r)
    if not rows:
        sys.exit("no statement is carried by 3 or more outlets: pass --group ID")
    return rows[0]["variant_id"]


def screenshot(url: str, out: Path, size: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={out}",
                        f"--window-size={size}", url], check=True, capture_output=True, timeout=120)
    if not out.is_file() or out.stat().st_size == 0:
        sys.exit(f"chromium wrote no screenshot to {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=os.environ.get("QUOTES_DB", "quotes.db"), help="the quotes database (SQLite)")
    ap.add_argument("--group", type=int, help="the statement group (default: the one most outlets carry)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "group.png")
    ap.add_argument("--size", default="1280,1400", help="the browser window, WIDTH,HEIGHT")
    ap.add_argument("--quotes", default=str(ROOT / ".venv" / "bin" / "quotes"), help="the quotes command")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([args.quotes, "--db", args.db, "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_up(base, server)
        group = args.group or widest_group(base, Path(args.db).stem)
        screenshot(f"{base}/-/group/{group}", args.out, args.size)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"wrote {args.out} (statement group {group})", file=sys.stderr)


if __name__ == "__main__":
    main()
