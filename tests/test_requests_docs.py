"""docs/requests.md matches the code it documents."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipedrive_shapes._requests import convert_request
from pipedrive_shapes._requests_doc import update

DOC = Path(__file__).parent.parent / "docs" / "requests.md"


def test_docs_generated_tables_up_to_date():
    """Regenerate with python -m pipedrive_shapes._requests_doc docs/requests.md."""
    text = DOC.read_text(encoding="utf-8")
    assert update(text) == text


def test_docs_every_generated_block_is_filled():
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(
        r"<!-- generated: ([a-z-]+) -->\n(.*?)<!-- end generated", text, re.DOTALL
    )
    assert [name for name, body in blocks if not body.startswith("| ")] == []


def test_docs_unknown_block_raises():
    with pytest.raises(ValueError, match="unknown generated block"):
        update("<!-- generated: nothing -->\n<!-- end generated: nothing -->")


def test_docs_python_example_holds():
    call = convert_request(
        "PUT",
        "/v1/deals/5?api_token=TOKEN",
        body={"title": "Big deal", "user_id": 3, "visible_to": "3"},
    )
    assert (call.method, call.target, call.body, call.removed) == (
        "PATCH",
        "/api/v2/deals/5?api_token=TOKEN",
        {"title": "Big deal", "owner_id": 3, "visible_to": 3},
        {},
    )


def test_docs_cli_example_holds(tmp_path):
    body = tmp_path / "deal.json"
    body.write_text(json.dumps({"title": "Big deal", "user_id": 3}))
    script = (
        "import argparse, sys\n"
        "from pipedrive_shapes._requests_cli import register_request_command\n"
        "parser = argparse.ArgumentParser(prog='pipedrive-shapes')\n"
        "register_request_command(parser.add_subparsers(dest='command'))\n"
        "args = parser.parse_args(sys.argv[1:])\n"
        "sys.exit(args.handler(args))\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "request",
            "--to",
            "v2",
            "PUT /v1/deals/5?user_id=3",
            "--body",
            str(body),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    example = (
        DOC.read_text(encoding="utf-8").split("```console\n", 1)[1].split("```", 1)[0]
    )
    documented_output = example.split("\n", 1)[1]
    assert done.stdout + done.stderr == documented_output
