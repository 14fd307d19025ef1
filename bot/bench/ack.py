"""`learnlink bench ack`: how fast Slack gets its 200, ours beside a bare Bolt app.

Two servers, each its own process on a loopback port, verify the same
signing secret: `learnlink serve` (SQLite in a temporary folder, Slack's Web
API faked on loopback, so the work after the ack runs too) and a bare Bolt
`AsyncApp` on aiohttp whose only listener acks. Signed message events
(channel chatter, one in five a question) are sent from `--concurrency`
aiohttp clients, to each server in turn: `--rounds` alternating slots that
add up to `--seconds` per server, each slot starting once both servers are
quiet (so the machine's noisy moments and our work after the ack fall on
both sides alike); requests in each server's first `--warmup` seconds are
not counted.

Reported per server: acks per second, p50 and p99 ack latency, and the ratio
of ours to the bare app's throughput (the goal: p99 < 100 ms, ratio >= 0.8).
Nothing leaves 127.0.0.1; every loop is bounded by the duration.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

TEAM = "T0BENCH"
BOT_TOKEN = "xoxb-bench-local"
CHANNEL = "C0BENCH"
USERS = tuple(f"UBENCH{n:02d}" for n in range(20))
SECRET_ENV = "LEARNLINK_BENCH_SIGNING_SECRET"
API_ENV = "LEARNLINK_BENCH_API_URL"
MESSAGES = (
    "Morning all, the deploy went out fine",
    "How do I rotate the terraform state key for staging?",
    "Lunch at the usual place?",
    "Thanks, that fixed it",
    "Pushed the new dashboard, have a look when you can",
    "Does anyone know why the kubernetes ingress drops websockets?",
    "I'll be out on Friday",
    "Great demo today!",
    "The build is green again",
    "Anyone else seeing slow CI today",
)
GOAL_P99_MS = 100.0
GOAL_RATIO = 0.8


@dataclass(frozen=True)
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int

    def as_dict(self) -> dict[str, float]:
        return {"rps": round(self.rps, 1), "p50_ms": self.p50_ms, "p99_ms": self.p99_ms}


def event_body(n: int, base: int) -> str:
    """Event `n` of the stream: a distinct event id, a channel message from one of 20 people."""
    ts = f"{base}.{n:06d}"
    event = {
        "type": "message",
        "user": USERS[n % len(USERS)],
        "text": f"{MESSAGES[n % len(MESSAGES)]} ({n})",
        "ts": ts,
        "channel": CHANNEL,
        "channel_type": "channel",
        "event_ts": ts,
    }
    envelope = {
        "token": "legacy",
        "team_id": TEAM,
        "api_app_id": "A0BENCH",
        "event": event,
        "type": "event_callback",
        "event_id": f"EvBench{n:08d}",
        "event_time": base,
        "authorizations": [
            {"team_id": TEAM, "user_id": "UBOTBENCH", "is_bot": True, "enterprise_id": None}
        ],
    }
    return json.dumps(envelope)


def signed_request(secret: str, n: int, base: int) -> tuple[bytes, dict[str, str]]:
    from bot.localslack.signing import signature

    body = event_body(n, base)
    stamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": signature(secret, stamp, body),
    }
    return body.encode(), headers


def percentile_ms(sorted_seconds: list[float], share: float) -> float:
    if not sorted_seconds:
        return 0.0
    index = min(len(sorted_seconds) - 1, max(0, round(share * len(sorted_seconds)) - 1))
    return round(sorted_seconds[index] * 1000, 2)


@dataclass
class Samples:
    """Ack latencies (seconds) and failed requests of one server, over its slots."""

    latencies: list[float]
    errors: int = 0

    def figures(self, seconds: float) -> Figures:
        ordered = sorted(self.latencies)
        return Figures(
            rps=len(ordered) / seconds,
            p50_ms=percentile_ms(ordered, 0.50),
            p99_ms=percentile_ms(ordered, 0.99),
            requests=len(ordered),
            errors=self.errors,
        )


async def drive(
    url: str,
    secret: str,
    samples: Samples,
    *,
    seconds: float,
    warmup: float,
    concurrency: int,
    base: int,
    first: int = 0,
) -> int:
    """Send signed events `first`, `first + 1`, ... from `concurrency` clients for
    warmup + seconds, adding what is answered after warmup to `samples`; returns
    the next event number."""
    import aiohttp

    position = first
    started = time.perf_counter()
    measure_from = started + warmup
    stop_at = measure_from + seconds

    async def client(http: aiohttp.ClientSession) -> None:
        nonlocal position
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                return
            body, headers = signed_request(secret, position, base)
            position += 1
            sent = time.perf_counter()
            try:
                async with http.post(url, data=body, headers=headers) as response:
                    await response.read()
                    ok = response.status == 200
            except (TimeoutError, aiohttp.ClientError, OSError):
                ok = False
            done = time.perf_counter()
            if sent >= measure_from and done <= stop_at:
                if ok:
                    samples.latencies.append(done - sent)
                else:
                    samples.errors += 1

    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
    return position


def _cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def quiet(
    pids: list[int], *, longest: float = 90.0, window: float = 0.25, windows: int = 8
) -> None:
    """Wait until every process has used under 5% of a core for `windows` windows in a row.

    Why: our server keeps processing stored events after its slot (holding
    back for up to a second after a burst first); measuring the bare app
    meanwhile would hand it a slower machine.
    """
    started = time.monotonic()
    calm = 0
    while calm < windows and time.monotonic() - started < longest:
        before = [_cpu_seconds(pid) for pid in pids]
        await asyncio.sleep(window)
        used = [_cpu_seconds(pid) - b for pid, b in zip(pids, before, strict=True)]
        calm = calm + 1 if max(used) < 0.05 * window else 0


# -- the two servers ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _base_env() -> dict[str, str]:
    own = ("LEARNLINK_", "SLACK_", "MICROSOFT_", "DATABASE_URL", "PORT")
    return {k: v for k, v in os.environ.items() if not k.startswith(own)}


@contextlib.asynccontextmanager
async def _process(command: list[str], env: dict[str, str], port: int, log: Path) -> Any:
    """A server process on 127.0.0.1:`port`, up once it answers; stopped on exit."""
    import aiohttp

    process = _spawn(command, env, log)
    try:
        deadline = time.monotonic() + 90
        async with aiohttp.ClientSession() as http:
            while True:
                if process.poll() is not None:
                    raise click.ClickException(f"a benchmark server exited:\n{_tail(log)}")
                with contextlib.suppress(TimeoutError, aiohttp.ClientError, OSError):
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                if time.monotonic() > deadline:
                    raise click.ClickException("a benchmark server did not start within 90 s")
                await asyncio.sleep(0.05)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                await asyncio.to_thread(process.wait, 15)
        if process.poll() is None:
            process.kill()
            await asyncio.to_thread(process.wait, 15)


def _spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:]


def _ours(folder: Path, api_url: str, secret: str, port: int) -> tuple[list[str], dict[str, str]]:
    env = _base_env()
    env.update(
        {
            "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'bench.db'}",
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": secret,
            "SLACK_API_BASE_URL": api_url,
            "LEARNLINK_LOGGING__LEVEL": "WARNING",
        }
    )
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return command, env


def _bare(api_url: str, secret: str, port: int) -> tuple[list[str], dict[str, str]]:
    env = _base_env()
    env.update({SECRET_ENV: secret, API_ENV: api_url})
    return [sys.executable, "-m", "bot.bench.ack", "bare-bolt", str(port)], env


async def serve_bare_bolt(port: int) -> None:
    """A Bolt AsyncApp on aiohttp that verifies, authorises (one token) and only acks."""
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncAck, AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    app = AsyncApp(
        signing_secret=os.environ[SECRET_ENV],
        client=AsyncWebClient(token=BOT_TOKEN, base_url=os.environ[API_ENV]),
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )

    async def just_ack(ack: AsyncAck) -> None:
        await ack()

    app.event("message")(just_ack)

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    web_app = web.Application(client_max_size=1024**2)
    web_app.router.add_post("/slack/events", events)
    web_app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


async def run_ack_bench(
    seconds: float = 10.0, concurrency: int = 16, warmup: float = 1.0, rounds: int = 5
) -> dict[str, Any]:
    """Both servers, the same kind of events, in alternating slots; the figures as a dict.

    Each server gets `rounds` slots of seconds / rounds (after one warm-up),
    in the order bare, ours, ours, bare, bare, ours, ..., and a slot starts
    only when both servers are quiet, so a noisy moment on the machine or
    our server's work after its acks does not land on one side only.
    """
    from bot.localslack.api import FakeSlackApi, serve

    secret = secrets.token_hex(16)
    api = FakeSlackApi()
    api.add_workspace(TEAM, BOT_TOKEN, name="Bench")
    api.page_size = 200
    for user in USERS:
        api.add_user(user, f"Bench {user[-2:]}", team_id=TEAM, tz="UTC")
    fake = await serve(api)
    base = int(time.time())
    samples = {"bare_bolt": Samples([]), "ours": Samples([])}
    try:
        with tempfile.TemporaryDirectory(prefix="learnlink-bench-ack-") as name:
            folder = Path(name)
            ports = {"bare_bolt": _free_port(), "ours": _free_port()}
            bare_command, bare_env = _bare(api.url, secret, ports["bare_bolt"])
            ours_command, ours_env = _ours(folder, api.url, secret, ports["ours"])
            async with (
                _process(bare_command, bare_env, ports["bare_bolt"], folder / "bare.log") as bare,
                _process(ours_command, ours_env, ports["ours"], folder / "ours.log") as ours,
            ):
                position = 0
                for label in _slots(rounds):
                    await quiet([bare.pid, ours.pid])
                    position = await drive(
                        f"http://127.0.0.1:{ports[label]}/slack/events",
                        secret,
                        samples[label],
                        seconds=seconds / rounds,
                        warmup=0.0 if samples[label].latencies else warmup,
                        concurrency=concurrency,
                        base=base,
                        first=position,
                    )
    finally:
        await fake.cleanup()
    ours_figures = samples["ours"].figures(seconds)
    bare_figures = samples["bare_bolt"].figures(seconds)
    return {
        "ours": ours_figures.as_dict(),
        "bare_bolt": bare_figures.as_dict(),
        "ratio": round(ours_figures.rps / bare_figures.rps, 3) if bare_figures.rps else 0.0,
        "seconds": seconds,
        "rounds": rounds,
        "concurrency": concurrency,
        "errors": {"ours": ours_figures.errors, "bare_bolt": bare_figures.errors},
    }


def _slots(rounds: int) -> list[str]:
    """bare, ours | ours, bare | bare, ours ...: each goes first in half the rounds."""
    pair = ["bare_bolt", "ours"]
    return [label for r in range(rounds) for label in (pair if r % 2 == 0 else pair[::-1])]


def format_table(report: dict[str, Any]) -> str:
    lines = [
        f"ack benchmark: {report['seconds']:g} s per server in {report['rounds']} alternating "
        f"slots, {report['concurrency']} clients, signed message events on 127.0.0.1",
        f"{'server':<22}{'acks/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}",
    ]
    for key, label in (("ours", "learnlink serve"), ("bare_bolt", "bare Bolt AsyncApp")):
        row = report[key]
        errors = report["errors"][key]
        lines.append(
            f"{label:<22}{row['rps']:>10.1f}{row['p50_ms']:>10.2f}{row['p99_ms']:>10.2f}{errors:>8}"
        )
    ours = report["ours"]
    met = ours["p99_ms"] < GOAL_P99_MS and report["ratio"] >= GOAL_RATIO
    lines.append(
        f"ratio (ours / bare): {report['ratio']:.2f}   goal: p99 < {GOAL_P99_MS:g} ms and "
        f"ratio >= {GOAL_RATIO}: {'met' if met else 'NOT met'}"
    )
    return "\n".join(lines)


@click.command("ack")
@click.option("--seconds", type=click.FloatRange(0.1, 600), default=10.0, show_default=True)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=16,
    show_default=True,
    help="Concurrent clients.",
)
@click.option(
    "--warmup",
    type=click.FloatRange(0, 60),
    default=1.0,
    show_default=True,
    help="Seconds sent before measuring.",
)
@click.option(
    "--rounds",
    type=click.IntRange(1, 100),
    default=5,
    show_default=True,
    help="Alternating slots per server; --seconds is split among them.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def ack_command(
    seconds: float, concurrency: int, warmup: float, rounds: int, as_json: bool
) -> None:
    """Acks per second and ack latency: learnlink serve beside a bare Bolt app."""
    report = asyncio.run(run_ack_bench(seconds, concurrency, warmup, rounds))
    if as_json:
        click.echo(json.dumps(report))
    else:
        click.echo(format_table(report))


if __name__ == "__main__":  # `python -m bot.bench.ack bare-bolt PORT`: the baseline server
    if len(sys.argv) == 3 and sys.argv[1] == "bare-bolt":
        asyncio.run(serve_bare_bolt(int(sys.argv[2])))
    else:
        sys.exit("usage: python -m bot.bench.ack bare-bolt PORT")
