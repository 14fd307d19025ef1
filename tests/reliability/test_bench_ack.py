"""`learnlink bench ack --seconds 1 --json` runs both servers and prints the agreed keys."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.bench.ack import ack_command


def test_bench_ack_json_has_both_servers_and_the_ratio() -> None:
    result = CliRunner().invoke(
        ack_command, ["--seconds", "1", "--warmup", "0.2", "--concurrency", "4", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert {"ours", "bare_bolt", "ratio"} <= set(report)
    for server in ("ours", "bare_bolt"):
        assert set(report[server]) == {"rps", "p50_ms", "p99_ms"}
        assert report[server]["rps"] > 0 and report[server]["p99_ms"] >= report[server]["p50_ms"]
    assert report["errors"] == {"ours": 0, "bare_bolt": 0}
    assert report["ratio"] == round(report["ours"]["rps"] / report["bare_bolt"]["rps"], 3)
