"""Run docs/deploy.md as written: the team-server steps, tested.

Every ```bash block of the page runs in order (``bash host-only`` blocks are skipped: packages,
system users, systemd, cron); every block with ``file=PATH`` is written to PATH. Paths move into
a temporary folder and ports to free ones (the MAPPING below); ``sudo -u postgres`` runs the
command as is, against a throwaway PostgreSQL (``.ci/postgres.sh`` in its own folder) through
PGHOST/PGPORT/PGUSER. A systemd unit written is started the way systemd would (its
EnvironmentFile and ExecStart); the nginx server block is served by an nginx of this check
(installed from Debian's packages when absent). ``/srv/factcheck/venv`` is this checkout's
virtualenv (``make wheel-check`` tests installing the package on its own).

Then, through nginx: a browser signed in by nginx's password shows "Signed in as ann (checker)"
on the workbench; a request without the password is refused by nginx; a forged
X-Forwarded-User on the API is dropped (the token decides). Prints one line per check and
"deploy-check: N passed, M failed"; exits non-zero on a failure.

    .venv/bin/python .ci/deploy_check.py [--keep]
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "deploy.md"
SEED = REPO.parent / "shared" / "seeds" / "000_9f6c08b4849e9d93.txt"
BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)

passed: list[str] = []
failed: list[str] = []


def check(ok: bool, what: str, detail: str = "") -> None:
    (passed if ok else failed).append(what)
    print(f"{'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail and not ok else ""))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def blocks(text: str) -> list[tuple[str, str, str]]:
    """(language, info after it, body) of each fenced block, in order."""
    return [(m.group(1), m.group(2).strip(), m.group(3)) for m in BLOCK.finditer(text)]


def wait_http(url: str, timeout: float = 120, ok=(200,)) -> int:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as reply:
                if reply.status in ok:
                    return reply.status
        except urllib.error.HTTPError as error:
            if error.code in ok:
                return error.code
            last = error
        except OSError as error:
            last = error
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout} s ({last})")


class Host:
    """The throwaway host: folder, ports, PostgreSQL, the processes systemd and nginx run."""

    def __init__(self, work: Path):
        self.work = work
        self.ports = {"api": free_port(), "app": free_port(), "proxy": free_port()}
        self.processes: list[subprocess.Popen] = []
        # the server's own folder, outside ``work`` (initdb runs as postgres, who may not enter it)
        self.pg_dir = Path(tempfile.gettempdir()) / f"factcheck-deploy-pg-{os.getpid()}"
        env = os.environ | {"FACTCHECK_PG_DIR": str(self.pg_dir)}
        url = subprocess.run(
            ["bash", str(REPO / ".ci" / "postgres.sh"), "start"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        self.pg_port = int(re.search(r":(\d+)/", url).group(1))  # type: ignore[union-attr]
        for folder in ("srv", "etc", "nginx", "systemd", "cron", "backups", "nginx-tmp"):
            (work / folder).mkdir(parents=True, exist_ok=True)
        (work / "srv" / "venv").symlink_to(REPO / ".venv")
        self.env = os.environ | {
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.pg_port),
            "PGUSER": "postgres",
            "HF_HUB_OFFLINE": "1",
        }
        for name in [n for n in self.env if n.startswith("FACTCHECK_")]:
            del self.env[name]

    def mapped(self, text: str) -> str:
        w, p = str(self.work), self.ports
        for old, new in (
            ("/srv/factcheck", f"{w}/srv"),
            ("/etc/factcheck", f"{w}/etc"),
            ("/etc/nginx/conf.d", f"{w}/nginx"),
            ("/etc/systemd/system", f"{w}/systemd"),
            ("/etc/cron.d", f"{w}/cron"),
            ("/var/backups/factcheck", f"{w}/backups"),
            ("127.0.0.1:5432", f"127.0.0.1:{self.pg_port}"),
            ("127.0.0.1:8000", f"127.0.0.1:{p['api']}"),
            ("--port 8000", f"--port {p['api']}"),
            ("127.0.0.1:8501", f"127.0.0.1:{p['app']}"),
            ("--port 8501", f"--port {p['app']}"),
            ("listen 80;", f"listen 127.0.0.1:{p['proxy']};"),
            ("http://127.0.0.1/", f"http://127.0.0.1:{p['proxy']}/"),
        ):
            text = text.replace(old, new)
        return text

    def run_bash(self, body: str) -> subprocess.CompletedProcess:
        prelude = 'set -euo pipefail\nsudo() { if [ "${1:-}" = "-u" ]; then shift 2; fi; "$@"; }\n'
        return subprocess.run(
            ["bash", "-c", prelude + self.mapped(body)],
            env=self.env,
            cwd=self.work / "srv",
            capture_output=True,
            text=True,
            timeout=600,
        )

    def start_unit(self, unit: Path) -> None:
        """What systemd does with the unit: its environment file, then ExecStart."""
        lines = unit.read_text().splitlines()
        env = dict(self.env)
        command = ""
        for line in lines:
            key, _, value = line.partition("=")
            if key == "EnvironmentFile":
                for entry in Path(value).read_text().splitlines():
                    if entry.strip() and not entry.startswith("#"):
                        name, _, setting = entry.partition("=")
                        env[name.strip()] = setting.strip()
            elif key == "ExecStart":
                command = value
        log = (self.work / f"{unit.stem}.log").open("w")
        self.processes.append(
            subprocess.Popen(
                shlex.split(command), env=env, cwd=self.work / "srv", stdout=log, stderr=log
            )
        )

    def start_nginx(self, server_block: Path) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            subprocess.run(
                "apt-get install -y -q nginx-light >/dev/null 2>&1 || "
                "(apt-get update -q >/dev/null 2>&1 && apt-get install -y -q nginx-light >/dev/null)",
                shell=True,
                check=True,
            )
            nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        w = self.work
        temp = w / "nginx-tmp"
        conf = w / "nginx.conf"
        conf.write_text(
            f"""user root;
worker_processes 1;
daemon off;
pid {w}/nginx.pid;
error_log {w}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    access_log {w}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {server_block};
}}
"""
        )
        tested = subprocess.run([nginx, "-t", "-c", str(conf)], capture_output=True, text=True)
        check(tested.returncode == 0, "nginx accepts the server block", tested.stderr[-500:])
        log = (w / "nginx.log").open("w")
        self.processes.append(
            subprocess.Popen([nginx, "-c", str(conf)], stdout=log, stderr=log, env=self.env)
        )

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        subprocess.run(
            ["bash", str(REPO / ".ci" / "postgres.sh"), "stop"],
            env=os.environ | {"FACTCHECK_PG_DIR": str(self.pg_dir)},
            check=False,
        )


def laptop_database(host: Host) -> None:
    """The laptop database that section 2 moves to the server: an account and an article."""
    laptop = host.work / "srv" / "laptop.db"
    factcheck = str(REPO / ".venv" / "bin" / "factcheck")
    env = host.env
    subprocess.run(
        [
            factcheck,
            "users",
            "add",
            "lap",
            "--role",
            "checker",
            "--no-password",
            "--db",
            str(laptop),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    if SEED.exists():
        subprocess.run(
            [factcheck, "ingest", str(SEED), "--no-match", "--db", str(laptop)],
            env=env,
            check=True,
            capture_output=True,
        )


def browser_signs_in(host: Host) -> None:
    from playwright.sync_api import sync_playwright

    url = f"http://127.0.0.1:{host.ports['proxy']}/"
    chromium = os.environ.get("FACTCHECK_CHROMIUM") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        try:
            context = browser.new_context(
                http_credentials={"username": "ann", "password": "ann-secret"}
            )
            page = context.new_page()
            page.goto(url)
            shown = page.get_by_text(re.compile(r"Signed in as\s+ann\s+\(checker\)"))
            shown.first.wait_for(state="visible", timeout=90_000)
            check(True, "the workbench through nginx: signed in as ann (checker)")
            # the browser cannot choose its account: a forged header is replaced by nginx
            forged = browser.new_context(
                http_credentials={"username": "ann", "password": "ann-secret"},
                extra_http_headers={"X-Forwarded-User": "ada"},
            ).new_page()
            forged.goto(url)
            forged.get_by_text(re.compile(r"Signed in as\s+ann\s")).first.wait_for(
                state="visible", timeout=90_000
            )
            check(
                forged.get_by_text(re.compile(r"Signed in as\s+ada")).count() == 0,
                "a forged X-Forwarded-User from the browser is replaced by nginx",
            )
        finally:
            browser.close()


def main() -> None:
    keep = "--keep" in sys.argv
    work = Path(tempfile.mkdtemp(prefix="factcheck-deploy."))
    host = Host(work)
    try:
        laptop_database(host)
        units: list[Path] = []
        for language, info, body in blocks(DOC.read_text(encoding="utf-8")):
            if "host-only" in info:
                continue
            target = re.search(r"file=(\S+)", info)
            if target:
                path = Path(host.mapped(target.group(1)))
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(host.mapped(body), encoding="utf-8")
                if path.suffix == ".service":
                    units.append(path)
                    host.start_unit(path)
                elif path.parent == work / "nginx":
                    for service in ("api", "app"):  # nginx goes in front of running services
                        wait_http(f"http://127.0.0.1:{host.ports[service]}/", ok=(200, 307, 404))
                    host.start_nginx(path)
                    wait_http(f"http://127.0.0.1:{host.ports['proxy']}/api/health", ok=(200, 401))
                continue
            if language != "bash":
                continue
            result = host.run_bash(body)
            lines = [x for x in body.strip().splitlines() if not x.startswith(("set -a", "fc="))]
            first = (lines or ["(block)"])[0][:70]
            check(result.returncode == 0, f"step: {first}", (result.stderr or result.stdout)[-800:])
            if result.returncode != 0:
                raise SystemExit(1)
            if "/api/me" in body:
                me = json.loads(result.stdout)
                check(me.get("name") == "cms", "the API through nginx acts as the token's account")
            if "count(*) FROM reviewers" in body:
                count = int(result.stdout.strip().splitlines()[-1])
                check(count >= 5, "the restored backup holds the accounts", str(count))
        check(len(units) == 2, "two systemd units written and started")
        check(any((work / "backups").glob("factcheck-*.dump")), "a backup file was written")
        proxy = f"http://127.0.0.1:{host.ports['proxy']}/"
        try:
            urllib.request.urlopen(proxy, timeout=10)
            check(False, "nginx refuses the workbench without a password")
        except urllib.error.HTTPError as error:
            check(error.code == 401, "nginx refuses the workbench without a password")
        request = urllib.request.Request(
            proxy + "api/me", headers={"X-Forwarded-User": "ada"}
        )  # no token, a forged header: the API answers 401
        try:
            urllib.request.urlopen(request, timeout=10)
            check(False, "the API ignores X-Forwarded-User without a token")
        except urllib.error.HTTPError as error:
            check(error.code == 401, "the API ignores X-Forwarded-User without a token")
        browser_signs_in(host)
    except SystemExit:
        pass
    except Exception as error:  # noqa: BLE001 - report it as a failed check
        check(False, "deploy check", f"{type(error).__name__}: {error}")
    finally:
        host.stop()
        if failed:
            for log in sorted(work.glob("*.log")):
                print(f"--- {log.name} (last lines)\n{log.read_text(errors='replace')[-1500:]}")
        if keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"deploy-check: {len(passed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
