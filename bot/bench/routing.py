"""`learnlink bench routing`: routing quality on real Q&A data, or speed at scale.

``--dump DIR`` replays a StackExchange ``Posts.xml`` through the production
expertise index beside two baselines (see ``replay``); ``--scale N`` loads a
synthetic organisation of N people and 20*N facts (see ``scale``). Both print
a table, or one JSON object with ``--json``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from bot.bench.metrics import METRIC_NAMES, percentiles_ms
from bot.bench.replay import ReplayResult, replay
from bot.bench.scale import ScaleResult, run_scale
from bot.bench.stackexchange import DumpError, read_posts
from bot.matching.catalog import load_topic_catalog
from bot.matching.text import Analyzer

REPO_ROOT = Path(__file__).resolve().parents[2]
TOPICS_FILE = REPO_ROOT / "config" / "topics.yaml"
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "stackexchange"


def _analyzer() -> Analyzer:
    """The production analyzer: the repository's topic catalog, if present."""
    if TOPICS_FILE.is_file():
        return Analyzer(*load_topic_catalog(TOPICS_FILE))
    return Analyzer()


def replay_report(result: ReplayResult) -> dict[str, object]:
    return {
        "questions": result.questions,
        "system": result.system.as_dict(),
        "popularity": result.popularity.as_dict(),
        "bm25": result.bm25.as_dict(),
        "latency_ms": percentiles_ms(result.latencies_s),
    }


def _replay_table(report: dict[str, object], dump: Path, seconds: float) -> str:
    header = f"{'method':<12}" + "".join(f"{name:>11}" for name in METRIC_NAMES)
    lines = [f"routing replay of {dump} ({report['questions']} questions, {seconds:.1f} s)", header]
    for method in ("system", "popularity", "bm25"):
        values = report[method]
        assert isinstance(values, dict)
        lines.append(f"{method:<12}" + "".join(f"{values[n]:>11.4f}" for n in METRIC_NAMES))
    system, pop, bm25 = (report[m] for m in ("system", "popularity", "bm25"))
    assert isinstance(system, dict) and isinstance(pop, dict) and isinstance(bm25, dict)
    for name in ("p_at_1", "mrr"):
        best = max(pop[name], bm25[name])
        ratio = f"{system[name] / best:.2f}x" if best > 0 else "n/a"
        lines.append(f"system {name} vs better baseline: {ratio}")
    latency = report["latency_ms"]
    assert isinstance(latency, dict)
    lines.append(f"routing latency: p50 {latency['p50']:.2f} ms, p99 {latency['p99']:.2f} ms")
    return "\n".join(lines)


def _scale_table(result: ScaleResult) -> str:
    data = result.as_dict()
    rows = [
        ("people", f"{result.people:,}"),
        ("evidence", f"{result.evidence:,}"),
        ("index build", f"{result.build_s:.2f} s"),
        ("(making the synthetic data)", f"{result.generate_s:.2f} s, not counted above"),
        ("peak RSS", f"{result.peak_rss_mb:.1f} MB"),
        ("query latency p50", f"{result.latency_ms['p50']:.2f} ms"),
        ("query latency p99", f"{result.latency_ms['p99']:.2f} ms"),
        ("update (add one fact)", f"{result.update_ms:.3f} ms"),
        ("merge buffered facts", f"{result.compact_s:.3f} s"),
        ("rank-bm25 get_scores p50", f"{result.rank_bm25_latency_ms['p50']:.2f} ms"),
        ("speedup vs rank-bm25 (p50)", f"{data['speedup_vs_rank_bm25']}x"),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


@click.command("routing")
@click.option("--dump", "dump", type=click.Path(path_type=Path), help="StackExchange dump folder.")
@click.option("--scale", "scale", type=click.IntRange(min=1), help="Synthetic org of N people.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def routing_command(dump: Path | None, scale: int | None, as_json: bool) -> None:
    """Benchmark routing: quality on a StackExchange dump, or speed at scale."""
    if (dump is None) == (scale is None):
        raise click.UsageError("give exactly one of --dump DIR or --scale N")
    if dump is not None:
        started = time.perf_counter()
        try:
            posts = read_posts(dump)
        except DumpError as exc:
            raise click.ClickException(str(exc)) from exc
        report = replay_report(replay(posts, _analyzer()))
        seconds = time.perf_counter() - started
        click.echo(json.dumps(report) if as_json else _replay_table(report, dump, seconds))
        return
    assert scale is not None
    result = run_scale(scale, _analyzer(), DEFAULT_DATA)
    click.echo(json.dumps(result.as_dict()) if as_json else _scale_table(result))
