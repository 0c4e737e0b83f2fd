"""`make run`'s script: SITE_URL follows the port, and Ctrl-C stops the site and the worker.

Starts scripts/run.sh for real (the venv from `make install`) on a free port with a
temporary SQLite database, sends SIGINT to its process group as a terminal's Ctrl-C
does, and checks that every process it started is gone within seconds. Marked
`process`: it takes a while, so CI runs it once, in the main suite (make test).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"

pytestmark = [
    pytest.mark.process,
    pytest.mark.skipif(not PYTHON.exists(), reason="needs the venv of `make install`"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes_in_session(session_id: int) -> dict[int, str]:
    """Live processes (not zombies) of a session, pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        state, session = fields[0], int(fields[3])
        if session == session_id and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def environment_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


@pytest.fixture
def run_script(tmp_path):
    """scripts/run.sh as `make run` starts it, on a free port and a fresh database."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "SITE_URL"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PORT=str(port),
        Q_WORKERS="1",
        PYTHONUNBUFFERED="1",
    )
    subprocess.run(
        [str(PYTHON), "manage.py", "migrate", "django_q", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log:
        script = subprocess.Popen(
            ["scripts/run.sh"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own session: its pids are easy to find
            # As in a terminal: SIGINT not ignored, whatever this test process inherited.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
    try:
        yield script, port, log_path, env
    finally:
        for pid in processes_in_session(script.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        script.wait(timeout=10)


def started(script, port, log_path) -> dict[int, str]:
    """Wait for the site to answer and the worker to run; their processes."""

    def site_answers():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    wait_for(site_answers, 120, "the site to answer")
    wait_for(lambda: b"running." in log_path.read_bytes(), 120, "the worker to run")
    processes = processes_in_session(script.pid)
    workers = [command for command in processes.values() if "qcluster" in command]
    assert len(workers) >= 3, processes  # the cluster, its sentinel, workers, pusher...
    assert any("runserver" in command for command in processes.values()), processes
    return processes


def ctrl_c(script):
    """What a terminal does on Ctrl-C: SIGINT to its foreground process group."""
    os.killpg(script.pid, signal.SIGINT)


def test_ctrl_c_stops_the_site_and_the_worker_cleanly_within_seconds(run_script):
    script, port, log_path, _env = run_script
    processes = started(script, port, log_path)

    # Links in emails point at this port (the worker renders the emails).
    for pid, command in processes.items():
        if "qcluster" in command or "runserver" in command:
            assert environment_of(pid)["SITE_URL"] == f"http://127.0.0.1:{port}"

    ctrl_c(script)
    wait_for(lambda: not processes_in_session(script.pid), 10, "every process to end")
    log = log_path.read_text(errors="replace")
    assert "has stopped." in log, log[-2000:]  # the worker stopped itself, cleanly


def test_ctrl_c_during_a_long_task_does_not_leave_the_worker_stopping(run_script):
    script, port, log_path, env = run_script
    started(script, port, log_path)
    subprocess.run(
        [str(PYTHON), "manage.py", "shell", "-c", QUEUE_A_LONG_TASK],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    wait_for(lambda: b"processing" in log_path.read_bytes(), 60, "the task to start")

    ctrl_c(script)  # the task would take two minutes; qcluster waits for it to end
    wait_for(lambda: not processes_in_session(script.pid), 15, "every process to end")


QUEUE_A_LONG_TASK = "from django_q.tasks import async_task; async_task('time.sleep', 120)"
