"""The ``request`` subcommand, run through its own argument parser."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from pipedrive_shapes._requests_cli import register_request_command


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pipedrive-shapes")
    commands = parser.add_subparsers(dest="command", required=True)
    register_request_command(commands)
    args = parser.parse_args(["request", *argv])
    status: int = args.handler(args)
    return status


@pytest.fixture
def deal_body(tmp_path: Path) -> Path:
    path = tmp_path / "deal.json"
    path.write_text(
        json.dumps({"title": "Big", "user_id": 3, "add_time": "2024-07-01 05:46:33"})
    )
    return path


def test_cli_request_prints_call_then_body(deal_body, capsys):
    status = run(["--to", "v2", "PUT /v1/deals/5?user_id=3", "--body", str(deal_body)])
    out = capsys.readouterr().out
    assert status == 0
    assert out.splitlines()[0] == "PATCH /api/v2/deals/5"
    assert json.loads(out.split("\n", 1)[1]) == {"title": "Big", "owner_id": 3}


def test_cli_request_body_is_indented(deal_body, capsys):
    run(["--to", "v2", "PUT /v1/deals/5", "--body", str(deal_body)])
    assert '\n  "title": "Big"' in capsys.readouterr().out


def test_cli_request_removed_lines_on_stderr(deal_body, capsys):
    run(["--to", "v2", "PUT /v1/deals/5?user_id=3", "--body", str(deal_body)])
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("# removed: query.user_id (not a parameter of v2 PATCH")
    assert (
        lines[1]
        == "# removed: body.add_time (v2 PATCH /deals/:id does not accept this field)"
    )


def test_cli_request_query_only_call(capsys):
    status = run(
        ["--to", "v2", "GET", "/v1/persons/5/deals?start=0&sort=add_time DESC"]
    )
    captured = capsys.readouterr()
    assert status == 0
    assert (
        captured.out
        == "GET /api/v2/deals?person_id=5&sort_by=add_time&sort_direction=desc\n"
    )
    assert captured.err == ""


def test_cli_request_to_v1(capsys):
    run(["--to", "v1", "GET /api/v2/deals?status=open,won,lost"])
    assert (
        capsys.readouterr().out == "GET /api/v1/deals?start=0&status=all_not_deleted\n"
    )


def test_cli_request_follower_mapping(capsys):
    run(["--to", "v2", "DELETE /v1/deals/5/followers/77", "--follower-id", "77=9"])
    assert capsys.readouterr().out == "DELETE /api/v2/deals/5/followers/9\n"


def test_cli_request_body_from_stdin(monkeypatch, capsys):
    import io

    stdin = io.TextIOWrapper(io.BytesIO(b'{"name": "Sales", "order_nr": 2}'))
    monkeypatch.setattr("sys.stdin", stdin)
    run(["--to", "v2", "POST /v1/pipelines", "--body", "-"])
    captured = capsys.readouterr()
    assert captured.out == 'POST /api/v2/pipelines\n{\n  "name": "Sales"\n}\n'
    assert captured.err.startswith("# removed: body.order_nr (order_nr is read-only")


def test_cli_request_conversion_error_exits_1(capsys):
    status = run(["--to", "v2", "GET /v1/deals?start=10"])
    captured = capsys.readouterr()
    assert status == 1
    assert captured.out == ""
    assert captured.err.startswith("error: v2 pages with an opaque cursor")


def test_cli_request_strict_turns_removal_into_error(capsys):
    status = run(["--to", "v2", "GET /v1/products?first_char=a", "--strict"])
    assert (
        status,
        capsys.readouterr().err.startswith("error: v2 has no equivalent"),
    ) == (1, True)


def test_cli_request_entity_mismatch_exits_1(deal_body, capsys):
    status = run(
        ["--to", "v2", "POST /v1/deals", "--body", str(deal_body), "--entity", "person"]
    )
    assert status == 1
    assert "does not match the route" in capsys.readouterr().err


def test_cli_request_invalid_json_body(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text('{"title": ')
    status = run(["--to", "v2", "POST /v1/deals", "--body", str(path)])
    assert status == 1
    assert "invalid JSON" in capsys.readouterr().err


def test_cli_request_body_not_an_object(tmp_path, capsys):
    path = tmp_path / "list.json"
    path.write_text("[1]")
    status = run(["--to", "v2", "POST /v1/deals", "--body", str(path)])
    assert status == 1
    assert "expected a JSON object" in capsys.readouterr().err


def test_cli_request_missing_body_file(tmp_path, capsys):
    status = run(
        ["--to", "v2", "POST /v1/deals", "--body", str(tmp_path / "none.json")]
    )
    assert status == 1
    assert "cannot read the body" in capsys.readouterr().err


def test_cli_request_call_without_path_is_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        run(["--to", "v2", "GET"])
    assert caught.value.code == 2
    assert "expected 'METHOD PATH'" in capsys.readouterr().err


def test_cli_request_invalid_follower_mapping_is_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        run(["--to", "v2", "DELETE /v1/deals/5/followers/77", "--follower-id", "77"])
    assert caught.value.code == 2
    assert "FOLLOWER_ID=USER_ID" in capsys.readouterr().err
