"""Tests for API response envelopes in ``convert``: pagination and ``--next-cursor``.

The command must return what :func:`convert_envelope` returns for the same
envelope, and turn its errors into rejected records whose advice names the
command's options.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipedrive_shapes import FieldCatalog, cli, convert_envelope

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPOSITORY_ROOT / "examples"
GUIDE_FIXTURES = REPOSITORY_ROOT / "tests" / "fixtures" / "guide"

with open(GUIDE_FIXTURES / "stage.v1.json", encoding="utf-8") as _stream:
    STAGE_V1: dict[str, Any] = json.load(_stream)
with open(GUIDE_FIXTURES / "stage.v2.json", encoding="utf-8") as _stream:
    STAGE_V2: dict[str, Any] = json.load(_stream)

CURSOR = "eyJmaWVsZCI6ImlkIiwiZmllbGRWYWx1ZSI6MiwiaWQiOjJ9"


def v1_page(*, more: bool) -> dict[str, Any]:
    return {
        "success": True,
        "data": [STAGE_V1, {**STAGE_V1, "id": 2, "order_nr": 2}],
        "additional_data": {
            "pagination": {
                "start": 0,
                "limit": 2,
                "more_items_in_collection": more,
                **({"next_start": 2} if more else {}),
            }
        },
        "related_objects": {"pipeline": {"1": {"id": 1, "name": "Sales"}}},
    }


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def convert_args(*extra: str, entity: str = "stage", target: str = "v2") -> list[str]:
    return ["convert", "--entity", entity, "--to", target, *extra]


def last_line(text: str) -> str:
    return text.splitlines()[-1]


def test_envelope_last_page_gets_null_cursor(tmp_path, capsys):
    page = v1_page(more=False)
    source = write_json(tmp_path / "page.json", page)

    status = cli.main(convert_args(str(source)))

    output = json.loads(capsys.readouterr().out)
    assert status == 0
    assert output == convert_envelope("stage", page)
    assert output["additional_data"] == {"next_cursor": None}
    assert "related_objects" not in output


def test_envelope_more_items_needs_cursor(tmp_path, capsys):
    source = write_json(tmp_path / "page.json", v1_page(more=True))

    status = cli.main(convert_args(str(source)))

    captured = capsys.readouterr()
    assert status == 1
    assert captured.out == ""
    assert captured.err.startswith(
        "error: missing next_cursor for a page with more items"
    )
    assert "@ $.additional_data.pagination.more_items_in_collection" in captured.err
    assert "pass --next-cursor with the cursor the v2 API returned" in captured.err
    assert last_line(captured.err) == "read 1, written 0, rejected 1"


def test_envelope_more_items_with_cursor(tmp_path, capsys):
    page = v1_page(more=True)
    source = write_json(tmp_path / "page.json", page)

    status = cli.main(convert_args(str(source), "--next-cursor", CURSOR))

    output = json.loads(capsys.readouterr().out)
    assert status == 0
    assert output == convert_envelope("stage", page, next_cursor=CURSOR)
    assert output["additional_data"] == {"next_cursor": CURSOR}
    assert output["data"][0] == STAGE_V2


def test_envelope_cursor_for_last_page_rejected(tmp_path, capsys):
    source = write_json(tmp_path / "page.json", v1_page(more=False))

    status = cli.main(convert_args(str(source), "--next-cursor", CURSOR))

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("error: next_cursor given for the last page")
    assert "drop --next-cursor" in err


def test_envelope_cursor_for_single_record_rejected(tmp_path, capsys):
    source = write_json(tmp_path / "one.json", {"success": True, "data": STAGE_V1})

    status = cli.main(convert_args(str(source), "--next-cursor", CURSOR))

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("error: next_cursor applies only to ")
    assert "list and search responses" in err
    assert "(drop --next-cursor for this response)" in err


def test_envelope_cursor_with_ndjson_input_fails(tmp_path, capsys):
    source = tmp_path / "pages.ndjson"
    source.write_text(json.dumps(v1_page(more=True)) + "\n")

    status = cli.main(convert_args(str(source), "--next-cursor", CURSOR))

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("error: --next-cursor applies to an input that is one")
    assert "each page needs its own cursor" in err


def test_envelope_cursor_with_plain_record_fails(tmp_path, capsys):
    source = write_json(tmp_path / "stage.json", STAGE_V1)

    status = cli.main(convert_args(str(source), "--next-cursor", CURSOR))

    assert status == 1
    assert "but the input is a JSON object" in capsys.readouterr().err


def test_envelope_cursor_with_v1_target_exits_2(tmp_path, capsys):
    source = write_json(tmp_path / "page.json", v1_page(more=True))

    with pytest.raises(SystemExit) as exit_info:
        cli.main(convert_args(str(source), "--next-cursor", CURSOR, target="v1"))

    assert exit_info.value.code == 2
    assert "--next-cursor is valid only with --to v2" in capsys.readouterr().err


def test_envelope_ndjson_pages_each_converted(tmp_path, capsys):
    pages = [v1_page(more=True), v1_page(more=False)]
    source = tmp_path / "pages.ndjson"
    source.write_text("".join(json.dumps(page) + "\n" for page in pages))

    status = cli.main(convert_args(str(source), "--on-error", "skip"))

    captured = capsys.readouterr()
    output = [json.loads(text) for text in captured.out.splitlines()]
    assert status == 2
    # The page with more items cannot get a cursor, so only the last one is left.
    assert output == [convert_envelope("stage", pages[1])]
    assert captured.err.startswith("line 1: missing next_cursor")


def test_envelope_v2_to_v1(tmp_path, capsys):
    page = {
        "success": True,
        "data": [STAGE_V2],
        "additional_data": {"next_cursor": CURSOR},
    }
    source = write_json(tmp_path / "page.json", page)

    status = cli.main(convert_args(str(source), target="v1"))

    output = json.loads(capsys.readouterr().out)
    assert status == 0
    assert output == convert_envelope("stage", page, to="v1")
    assert output["additional_data"]["pagination"] == {"more_items_in_collection": True}


def test_envelope_error_response_unchanged(tmp_path, capsys):
    page = {"success": False, "error": "Unauthorized", "errorCode": 401}
    source = write_json(tmp_path / "error.json", page)

    status = cli.main(convert_args(str(source)))

    assert status == 0
    assert json.loads(capsys.readouterr().out) == page


@pytest.mark.parametrize(
    ("name", "entity", "fields"),
    [
        (
            "organizations.v1.envelope.json",
            "organization",
            "organization_fields.v1.json",
        ),
        ("products.v1.envelope.json", "product", "product_fields.v1.json"),
        ("followers.v1.envelope.json", "follower", None),
    ],
)
def test_envelope_examples_match_library(capsys, name, entity, fields):
    with open(EXAMPLES / name, encoding="utf-8") as stream:
        page = json.load(stream)
    extra = [] if fields is None else ["--fields", str(EXAMPLES / fields)]
    catalog = None if fields is None else FieldCatalog.from_file(EXAMPLES / fields)

    status = cli.main(convert_args(str(EXAMPLES / name), *extra, entity=entity))

    assert status == 0
    expected = convert_envelope(entity, page, fields=catalog)
    assert json.loads(capsys.readouterr().out) == expected


def test_envelope_include_fields_passed_on(tmp_path, capsys):
    with open(EXAMPLES / "organizations.v1.envelope.json", encoding="utf-8") as stream:
        page = json.load(stream)
    source = write_json(tmp_path / "page.json", page)
    args = ["--include-fields", "people_count"]

    status = cli.main(convert_args(str(source), *args, entity="organization"))

    output = json.loads(capsys.readouterr().out)
    assert status == 0
    assert output["data"][0]["people_count"] == page["data"][0]["people_count"]
