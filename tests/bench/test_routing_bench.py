"""The routing benchmark on a tiny dump whose numbers can be checked by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from click.testing import CliRunner
from rank_bm25 import BM25Okapi

from bot.bench.baselines import Bm25Baseline
from bot.bench.routing import routing_command
from bot.bench.stackexchange import read_posts


def _row(**fields: str) -> str:
    return "<row " + " ".join(f"{k}={quoteattr(v)}" for k, v in fields.items()) + " />"


def write_dump(folder: Path) -> Path:
    """Three routable questions' worth of history; two are evaluable.

    q1 (asked by u9) is answered by u1 (accepted) and u2. q2 (u9) is about
    what u2 wrote, and u2's answer is accepted: popularity puts u1 first (one
    accepted answer), text puts u2 first. q3 is asked by u1 and answered by
    u2: u2 is the only candidate. q4 is answered by a newcomer: not evaluable.
    """
    rows = [
        _row(
            Id="1",
            PostTypeId="1",
            AcceptedAnswerId="2",
            CreationDate="2020-01-01T10:00:00.000",
            OwnerUserId="9",
            Title="Moka pot brewing",
            Body="<p>How long on the stove?</p>",
        ),
        _row(
            Id="2",
            PostTypeId="2",
            ParentId="1",
            CreationDate="2020-01-01T11:00:00.000",
            OwnerUserId="1",
            Body="<p>About five minutes, medium heat.</p>",
        ),
        _row(
            Id="3",
            PostTypeId="2",
            ParentId="1",
            CreationDate="2020-01-01T12:00:00.000",
            OwnerUserId="2",
            Body="<p>Grind finer; burr grinder calibration matters.</p>",
        ),
        _row(
            Id="4",
            PostTypeId="1",
            AcceptedAnswerId="5",
            CreationDate="2020-01-02T10:00:00.000",
            OwnerUserId="9",
            Title="Burr grinder calibration",
            Body="<p>Calibration of burrs?</p>",
        ),
        _row(
            Id="5",
            PostTypeId="2",
            ParentId="4",
            CreationDate="2020-01-02T11:00:00.000",
            OwnerUserId="2",
            Body="<p>Zero the burrs first.</p>",
        ),
        _row(
            Id="6",
            PostTypeId="1",
            AcceptedAnswerId="7",
            CreationDate="2020-01-03T10:00:00.000",
            OwnerUserId="1",
            Title="Descaling",
            Body="<p>Vinegar or citric acid?</p>",
        ),
        _row(
            Id="7",
            PostTypeId="2",
            ParentId="6",
            CreationDate="2020-01-03T11:00:00.000",
            OwnerUserId="2",
            Body="<p>Citric acid.</p>",
        ),
        _row(
            Id="8",
            PostTypeId="1",
            AcceptedAnswerId="9",
            CreationDate="2020-01-04T10:00:00.000",
            OwnerUserId="9",
            Title="Milk frothing",
            Body="<p>Which milk?</p>",
        ),
        _row(
            Id="9",
            PostTypeId="2",
            ParentId="8",
            CreationDate="2020-01-04T11:00:00.000",
            OwnerUserId="3",
            Body="<p>Whole milk.</p>",
        ),
        _row(Id="10", PostTypeId="5", CreationDate="2020-01-05T10:00:00.000", Body=""),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Posts.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<posts>\n' + "\n".join(rows) + "\n</posts>\n"
    )
    return folder


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(routing_command, list(args))
    return result.exit_code, result.output


def test_replay_metrics_match_a_hand_computation(tmp_path: Path) -> None:
    code, output = run("--dump", str(write_dump(tmp_path / "site")), "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["questions"] == 2
    half_ndcg = (1 / math.log2(3) + 1) / 2
    # popularity: q2 target u2 is second behind u1 (1 accepted); q3 has one candidate
    assert report["popularity"] == {
        "p_at_1": 0.5,
        "mrr": 0.75,
        "ndcg_at_3": pytest.approx(half_ndcg, abs=1e-4),
        "r_at_5": 1.0,
    }
    # BM25Okapi over two documents gives a word found in one of them idf
    # log((2 - 1 + 0.5) / (1 + 0.5)) = 0: u1 and u2 tie on q2 (expected rank 1.5)
    assert report["bm25"] == {
        "p_at_1": 0.75,
        "mrr": 0.875,
        "ndcg_at_3": pytest.approx((half_ndcg + 1) / 2, abs=1e-4),
        "r_at_5": 1.0,
    }
    # the system reads that q2 is about what u2 wrote
    assert report["system"] == {"p_at_1": 1.0, "mrr": 1.0, "ndcg_at_3": 1.0, "r_at_5": 1.0}
    assert set(report["latency_ms"]) == {"p50", "p99"}


def test_table_output(tmp_path: Path) -> None:
    code, output = run("--dump", str(write_dump(tmp_path / "site")))
    assert code == 0, output
    assert "popularity" in output and "bm25" in output and "p50" in output


def test_parser_strips_html_and_sorts_by_time(tmp_path: Path) -> None:
    posts = read_posts(write_dump(tmp_path / "site"))
    assert [p.id for p in posts] == ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
    assert posts[0].body == " How long on the stove? "
    assert posts[0].at.tzinfo is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dump", "/nonexistent/site"], "no Posts.xml in /nonexistent/site"),
        ([], "exactly one of --dump DIR or --scale N"),
        (["--dump", ".", "--scale", "5"], "exactly one of --dump DIR or --scale N"),
    ],
)
def test_bad_arguments_fail_with_one_line(args: list[str], message: str) -> None:
    code, output = run(*args)
    assert code != 0
    assert message in output
    assert "Traceback" not in output


def test_invalid_dump_fails_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "Posts.xml").write_text("<posts><row Id='1' PostTypeId='1'")
    code, output = run("--dump", str(tmp_path))
    assert code != 0
    assert "is not a valid StackExchange Posts.xml" in output
    assert len(output.strip().splitlines()) == 1


def test_prepared_bm25_equals_a_fresh_bm25okapi() -> None:
    docs = {
        "a": ["moka", "pot", "stove", "heat", "moka"],
        "b": ["burr", "grinder", "calibration", "burr"],
        "c": ["milk", "froth", "milk", "temperature"],
    }
    baseline = Bm25Baseline()
    for person, terms in docs.items():
        baseline.observe_answer(person, terms)
    query = ["burr", "grinder", "milk"]
    for candidates in (["a", "b", "c"], ["c", "a"]):
        fresh = BM25Okapi([docs[c] for c in candidates]).get_scores(query)
        assert list(baseline.scores(query, candidates)) == pytest.approx(list(fresh))


def test_scale_json_has_every_key() -> None:
    code, output = run("--scale", "300", "--json")
    assert code == 0, output
    report = json.loads(output)
    for key in (
        "people",
        "evidence",
        "build_s",
        "peak_rss_mb",
        "update_ms",
        "speedup_vs_rank_bm25",
    ):
        assert key in report
    assert report["people"] == 300 and report["evidence"] == 6000
    assert set(report["latency_ms"]) == {"p50", "p99"}
