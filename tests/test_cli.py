"""Tests for the ``pipedrive-shapes`` command line tool and its JSON layer.

Most tests run :func:`pipedrive_shapes.cli.main` in the test process and
compare its output with what the library returns for the same records, so
they check reading and writing, not the conversion rules. Tests of error
locations replace the converter with a stub that fails on a marked record.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from pipedrive_shapes import (
    FieldCatalog,
    __version__,
    cli,
    normalize_webhook,
    to_v1,
    to_v2,
)
from pipedrive_shapes import _cli_records as records_layer
from pipedrive_shapes import _io as io_layer
from pipedrive_shapes.errors import ConversionError

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]

GUIDE_FIXTURES = REPOSITORY_ROOT / "tests" / "fixtures" / "guide"
WEBHOOK_FIXTURES = REPOSITORY_ROOT / "tests" / "fixtures" / "webhooks"


def load_fixture(name: str) -> dict[str, Any]:
    with open(GUIDE_FIXTURES / name, encoding="utf-8") as stream:
        record: dict[str, Any] = json.load(stream)
    return record


# The stage examples of Pipedrive's API v2 migration guide.
STAGE_V1 = load_fixture("stage.v1.json")
STAGE_V2 = load_fixture("stage.v2.json")
# A second stage, so arrays and NDJSON contain records that differ.
STAGE_V1_SECOND: dict[str, Any] = {
    **STAGE_V1,
    "id": 2,
    "order_nr": 2,
    "name": "Contact Made",
    "active_flag": False,
    "rotten_flag": True,
    "rotten_days": 14,
}

EXAMPLES = REPOSITORY_ROOT / "examples"
EXAMPLE_DEALS = EXAMPLES / "deals.v1.ndjson"
# Both enum fields below are defined in the example deal field definitions.
DEAL_SIZE_ENUM_KEY = "9a2c1d48a83532a4df65f5999d8c91b3c485506c"
PRODUCTS_SET_KEY = "59414861fa053c14afa23d54a09d8ea0e014719b"

STUB_FAILURE = "invalid flag: expected true or false, got 'maybe' @ $.flags[0].on"


# Helpers


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def write_ndjson(path: Path, values: list[Any]) -> Path:
    lines = [json.dumps(value, ensure_ascii=False) for value in values]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_ndjson(text: str) -> list[Any]:
    return [json.loads(line) for line in text.splitlines()]


def counts(read: int, written: int, rejected: int) -> str:
    """Return the count line that closes every ``convert`` run."""
    return f"read {read}, written {written}, rejected {rejected}\n"


def stage_to_v2(record: Mapping[str, Any]) -> dict[str, Any]:
    return to_v2("stage", record)


def set_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def stub_to_v2(
    entity: str,
    payload: Mapping[str, Any],
    *,
    fields: Any = None,
    include_fields: Any = (),
) -> dict[str, Any]:
    """Stand in for ``to_v2``: fail on a record with a ``bad`` key."""
    if "bad" in payload:
        raise ConversionError(
            "invalid flag",
            path=("flags", 0, "on"),
            value=payload["bad"],
            expected="true or false",
        )
    return {"entity": entity, **payload}


@pytest.fixture
def stub_converter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records_layer, "to_v2", stub_to_v2)


def convert_args(*extra: str, entity: str = "stage", target: str = "v2") -> list[str]:
    return ["convert", "--entity", entity, "--to", target, *extra]


# Container kinds


def test_convert_object_file_to_stdout(tmp_path, capsys):
    source = write_json(tmp_path / "stage.json", STAGE_V1)

    status = cli.main(convert_args(str(source)))

    captured = capsys.readouterr()
    assert status == 0
    assert json.loads(captured.out) == stage_to_v2(STAGE_V1)
    assert captured.out.count("\n") == 1
    assert captured.err == counts(1, 1, 0)


def test_convert_object_matches_guide_v2_example(tmp_path, capsys):
    source = write_json(tmp_path / "stage.json", STAGE_V1)

    cli.main(convert_args(str(source)))

    assert json.loads(capsys.readouterr().out) == STAGE_V2


def test_convert_object_to_v1(tmp_path, capsys):
    source = write_json(tmp_path / "stage.json", STAGE_V2)

    status = cli.main(convert_args(str(source), target="v1"))

    assert status == 0
    assert json.loads(capsys.readouterr().out) == to_v1("stage", STAGE_V2)


def test_convert_pretty_printed_object_stays_object(capsys):
    source = GUIDE_FIXTURES / "stage.v1.json"

    status = cli.main(convert_args(str(source)))

    assert status == 0
    assert json.loads(capsys.readouterr().out) == stage_to_v2(STAGE_V1)


def test_convert_array_to_array(tmp_path, capsys):
    source = write_json(tmp_path / "stages.json", [STAGE_V1, STAGE_V1_SECOND])

    status = cli.main(convert_args(str(source)))

    expected = [stage_to_v2(STAGE_V1), stage_to_v2(STAGE_V1_SECOND)]
    assert status == 0
    assert json.loads(capsys.readouterr().out) == expected


def test_convert_envelope_list_converts_each_record(tmp_path, capsys):
    envelope = {
        "success": True,
        "data": [STAGE_V1, STAGE_V1_SECOND],
        "additional_data": {
            "pagination": {"start": 0, "limit": 100, "more_items_in_collection": False}
        },
    }
    source = write_json(tmp_path / "response.json", envelope)

    status = cli.main(convert_args(str(source)))

    output = json.loads(capsys.readouterr().out)
    assert status == 0
    assert output["data"] == [stage_to_v2(STAGE_V1), stage_to_v2(STAGE_V1_SECOND)]
    assert output["success"] is True
    # The last v1 page becomes a v2 page without a next cursor.
    assert output["additional_data"] == {"next_cursor": None}


def test_convert_envelope_object_data(tmp_path, capsys):
    source = write_json(tmp_path / "response.json", {"success": True, "data": STAGE_V1})

    status = cli.main(convert_args(str(source)))

    assert status == 0
    assert json.loads(capsys.readouterr().out) == {
        "success": True,
        "data": stage_to_v2(STAGE_V1),
    }


def test_convert_envelope_null_data_unchanged(tmp_path, capsys):
    envelope = {
        "success": False,
        "error": "Entity was not found",
        "error_info": "Please check the id",
        "data": None,
        "additional_data": None,
    }
    source = write_json(tmp_path / "response.json", envelope)

    status = cli.main(convert_args(str(source)))

    assert status == 0
    assert json.loads(capsys.readouterr().out) == envelope


def test_convert_envelope_missing_data_unchanged(tmp_path, capsys):
    envelope = {"success": False, "error": "Gone"}
    source = write_json(tmp_path / "response.json", envelope)

    status = cli.main(convert_args(str(source)))

    assert status == 0
    assert json.loads(capsys.readouterr().out) == envelope


def test_convert_envelope_string_data_rejected(tmp_path, capsys):
    source = write_json(tmp_path / "response.json", {"success": True, "data": "x"})

    status = cli.main(convert_args(str(source)))

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("error: invalid envelope data")
    assert "@ $.data" in err


def test_convert_ndjson_detected_from_content(tmp_path, capsys):
    source = tmp_path / "stages.json"
    lines = [json.dumps(STAGE_V1), "", json.dumps(STAGE_V1_SECOND), "  ", ""]
    source.write_text("\n".join(lines), encoding="utf-8")

    status = cli.main(convert_args(str(source)))

    out = capsys.readouterr().out
    assert status == 0
    assert read_ndjson(out) == [stage_to_v2(STAGE_V1), stage_to_v2(STAGE_V1_SECOND)]


@pytest.mark.parametrize("suffix", [".ndjson", ".jsonl", ".JSONL"])
def test_convert_ndjson_suffix_single_line(tmp_path, capsys, suffix):
    source = write_ndjson(tmp_path / f"stages{suffix}", [STAGE_V1])

    status = cli.main(convert_args(str(source), "--indent", "2"))

    out = capsys.readouterr().out
    assert status == 0
    # NDJSON output ignores --indent, so the one record stays on one line.
    assert out.count("\n") == 1
    assert json.loads(out) == stage_to_v2(STAGE_V1)


def test_convert_ndjson_envelope_lines(tmp_path, capsys):
    pages = [
        {"success": True, "data": [STAGE_V1]},
        {"success": True, "data": [STAGE_V1_SECOND]},
    ]
    source = write_ndjson(tmp_path / "pages.ndjson", pages)

    status = cli.main(convert_args(str(source)))

    output = read_ndjson(capsys.readouterr().out)
    assert status == 0
    assert output[0]["data"] == [stage_to_v2(STAGE_V1)]
    assert output[1]["data"] == [stage_to_v2(STAGE_V1_SECOND)]


def test_convert_ndjson_crlf_and_bom(tmp_path, capsys):
    source = tmp_path / "stages.ndjson"
    text = json.dumps(STAGE_V1) + "\r\n" + json.dumps(STAGE_V1_SECOND) + "\r\n"
    source.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    status = cli.main(convert_args(str(source)))

    out = capsys.readouterr().out
    assert status == 0
    assert read_ndjson(out) == [stage_to_v2(STAGE_V1), stage_to_v2(STAGE_V1_SECOND)]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # Sniffing reads two lines before the first write, then one per record.
        ((), [2, 2, 3, 4, 5]),
        # --ndjson needs no sniffing, so each write follows its own line.
        (("--ndjson",), [1, 2, 3, 4, 5]),
    ],
)
def test_convert_ndjson_streams_line_by_line(monkeypatch, extra, expected):
    """An output line is written before the next input line is read."""
    lines_read = 0
    lines_read_at_each_write: list[int] = []

    class CountingSource(io.RawIOBase):
        def __init__(self) -> None:
            self.lines = iter(
                (json.dumps({**STAGE_V1, "id": index}) + "\n").encode()
                for index in range(5)
            )

        def readable(self) -> bool:
            return True

        def readline(self, size: int | None = -1) -> bytes:
            nonlocal lines_read
            line = next(self.lines, b"")
            lines_read += bool(line)
            return line

    class RecordingSink(io.BytesIO):
        def write(self, data: Any) -> int:
            lines_read_at_each_write.append(lines_read)
            return super().write(data)

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(CountingSource()))
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(RecordingSink()))

    status = cli.main(convert_args(*extra))

    assert status == 0
    assert lines_read_at_each_write == expected


# Standard streams and formatting


def test_convert_stdin_to_stdout(monkeypatch, capsys):
    set_stdin(monkeypatch, json.dumps([STAGE_V1]).encode())

    status = cli.main(convert_args())

    assert status == 0
    assert json.loads(capsys.readouterr().out) == [stage_to_v2(STAGE_V1)]


def test_convert_dash_reads_stdin(monkeypatch, capsys):
    set_stdin(monkeypatch, json.dumps(STAGE_V1).encode())

    status = cli.main(convert_args("-", "-o", "-"))

    assert status == 0
    assert json.loads(capsys.readouterr().out) == stage_to_v2(STAGE_V1)


def test_convert_stdin_ndjson_from_content(monkeypatch, capsys):
    data = f"{json.dumps(STAGE_V1)}\n{json.dumps(STAGE_V1_SECOND)}\n".encode()
    set_stdin(monkeypatch, data)

    status = cli.main(convert_args())

    out = capsys.readouterr().out
    assert status == 0
    assert read_ndjson(out) == [stage_to_v2(STAGE_V1), stage_to_v2(STAGE_V1_SECOND)]


def test_convert_indent_formats_output(tmp_path, capsys):
    source = write_json(tmp_path / "stage.json", STAGE_V1)

    cli.main(convert_args(str(source), "--indent", "2"))

    expected = json.dumps(stage_to_v2(STAGE_V1), indent=2, ensure_ascii=False)
    assert capsys.readouterr().out == expected + "\n"


def test_convert_compact_output_has_no_spaces(tmp_path, capsys):
    source = write_json(tmp_path / "stage.json", STAGE_V1)

    cli.main(convert_args(str(source)))

    expected = json.dumps(stage_to_v2(STAGE_V1), separators=(",", ":"))
    assert capsys.readouterr().out == expected + "\n"


def test_convert_keeps_non_ascii(tmp_path, capsys):
    record = {**STAGE_V1, "name": "Qualifiziert: Größe, 東京"}
    source = write_json(tmp_path / "stage.json", record)

    cli.main(convert_args(str(source)))

    out = capsys.readouterr().out
    assert "Qualifiziert: Größe, 東京" in out
    assert "\\u" not in out


def test_convert_negative_indent_exits_2(tmp_path, capsys):
    source = write_json(tmp_path / "stage.json", STAGE_V1)

    with pytest.raises(SystemExit) as exit_info:
        cli.main(convert_args(str(source), "--indent", "-1"))

    assert exit_info.value.code == 2
    assert "invalid indent -1" in capsys.readouterr().err


# Output files


def test_convert_output_file_written(tmp_path, capsys):
    source = write_json(tmp_path / "stage.json", STAGE_V1)
    target = tmp_path / "out" / "stage-v2.json"
    target.parent.mkdir()

    status = cli.main(convert_args(str(source), "-o", str(target)))

    assert status == 0
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text(encoding="utf-8")) == stage_to_v2(STAGE_V1)
    assert os.listdir(target.parent) == ["stage-v2.json"]


def test_convert_output_replaces_existing_file(tmp_path):
    source = write_json(tmp_path / "stage.json", STAGE_V1)
    target = tmp_path / "stage-v2.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)

    cli.main(convert_args(str(source), "-o", str(target)))

    assert json.loads(target.read_text(encoding="utf-8")) == stage_to_v2(STAGE_V1)
    assert target.stat().st_mode & 0o777 == 0o640


def test_convert_output_in_place(tmp_path):
    source = write_ndjson(tmp_path / "stages.ndjson", [STAGE_V1, STAGE_V1_SECOND])

    status = cli.main(convert_args(str(source), "-o", str(source)))

    output = read_ndjson(source.read_text(encoding="utf-8"))
    assert status == 0
    assert output == [stage_to_v2(STAGE_V1), stage_to_v2(STAGE_V1_SECOND)]


@pytest.mark.usefixtures("stub_converter")
def test_convert_failure_leaves_no_output_file(tmp_path, capsys):
    records = [{"id": 1}, {"id": 2}, {"id": 3, "bad": "maybe"}]
    source = write_ndjson(tmp_path / "records.ndjson", records)
    target = tmp_path / "out.ndjson"

    status = cli.main(convert_args(str(source), "-o", str(target)))

    assert status == 1
    assert not target.exists()
    assert sorted(os.listdir(tmp_path)) == ["records.ndjson"]
    # The two lines converted before the failure never reach the file.
    assert capsys.readouterr().err == f"line 3: {STUB_FAILURE}\n" + counts(3, 0, 1)


@pytest.mark.usefixtures("stub_converter")
def test_convert_failure_keeps_existing_output_file(tmp_path):
    source = write_json(tmp_path / "records.json", [{"id": 1}, {"bad": "maybe"}])
    target = tmp_path / "out.json"
    target.write_text("previous result", encoding="utf-8")

    status = cli.main(convert_args(str(source), "-o", str(target)))

    assert status == 1
    assert target.read_text(encoding="utf-8") == "previous result"
    assert sorted(os.listdir(tmp_path)) == ["out.json", "records.json"]


def test_convert_interrupt_removes_temporary_file(tmp_path, monkeypatch, capsys):
    def interrupted(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise KeyboardInterrupt

    monkeypatch.setattr(records_layer, "to_v2", interrupted)
    source = write_json(tmp_path / "stage.json", STAGE_V1)
    target = tmp_path / "out.json"

    status = cli.main(convert_args(str(source), "-o", str(target)))

    assert status == 130
    assert sorted(os.listdir(tmp_path)) == ["stage.json"]
    assert capsys.readouterr().err == counts(1, 0, 0) + "interrupted\n"


def test_convert_missing_output_directory(tmp_path, capsys):
    source = write_json(tmp_path / "stage.json", STAGE_V1)
    target = tmp_path / "missing" / "out.json"

    status = cli.main(convert_args(str(source), "-o", str(target)))

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("error: No such file or directory")


def test_atomic_output_follows_symlink(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)

    with io_layer.atomic_output(link) as stream:
        stream.write(b"new")

    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"


# Field catalogs and include_fields


class RecordingCatalog:
    """Stand in for ``FieldCatalog``: records the files and the merge order."""

    def __init__(self, sources: list[str]) -> None:
        self.sources = sources

    @classmethod
    def from_file(cls, path: Any) -> RecordingCatalog:
        return cls([Path(path).name])

    def merged(self, other: RecordingCatalog) -> RecordingCatalog:
        return RecordingCatalog(self.sources + other.sources)


def test_convert_fields_repeatable_and_merged(tmp_path, monkeypatch, capsys):
    received: list[Any] = []

    def recording_to_v2(entity: str, payload: Any, **options: Any) -> dict[str, Any]:
        received.append(options)
        return dict(payload)

    monkeypatch.setattr(records_layer, "FieldCatalog", RecordingCatalog)
    monkeypatch.setattr(records_layer, "to_v2", recording_to_v2)
    source = write_json(tmp_path / "stage.json", STAGE_V1)
    args = ["--fields", "a.json", "--fields", "b.json", "--fields", "c.json"]

    status = cli.main(convert_args(str(source), *args))

    assert status == 0
    assert received[0]["fields"].sources == ["a.json", "b.json", "c.json"]


def test_convert_fields_files_applied(capsys):
    deal_fields = EXAMPLES / "deal_fields.v1.json"
    person_fields = EXAMPLES / "person_fields.v1.json"
    args = ["--fields", str(deal_fields), "--fields", str(person_fields)]
    catalog = FieldCatalog.from_file(deal_fields).merged(
        FieldCatalog.from_file(person_fields)
    )
    deals = read_ndjson(EXAMPLE_DEALS.read_text(encoding="utf-8"))

    status = cli.main(convert_args(str(EXAMPLE_DEALS), *args, entity="deal"))

    output = read_ndjson(capsys.readouterr().out)
    custom_fields = output[0]["custom_fields"]
    assert status == 0
    assert output == [to_v2("deal", deal, fields=catalog) for deal in deals]
    # Without the definitions these option ids would stay strings.
    assert custom_fields[DEAL_SIZE_ENUM_KEY] == 41
    assert custom_fields[PRODUCTS_SET_KEY] == [51, 53]


def test_convert_without_fields_passes_none(tmp_path, monkeypatch, capsys):
    received: list[Any] = []

    def recording_to_v1(entity: str, payload: Any, **options: Any) -> dict[str, Any]:
        received.append(options)
        return dict(payload)

    monkeypatch.setattr(records_layer, "to_v1", recording_to_v1)
    source = write_json(tmp_path / "stage.json", STAGE_V2)

    cli.main(convert_args(str(source), target="v1"))

    assert received == [{"fields": None}]


def test_convert_fields_file_missing(tmp_path, capsys):
    source = write_json(tmp_path / "stage.json", STAGE_V1)
    missing = tmp_path / "dealFields.json"

    status = cli.main(convert_args(str(source), "--fields", str(missing)))

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("error: cannot load field definitions:")
    assert "dealFields.json" in err


def test_convert_include_fields_split_and_extended(tmp_path, monkeypatch, capsys):
    received: list[Any] = []

    def recording_to_v2(entity: str, payload: Any, **options: Any) -> dict[str, Any]:
        received.append(options["include_fields"])
        return dict(payload)

    monkeypatch.setattr(records_layer, "to_v2", recording_to_v2)
    source = write_json(tmp_path / "deal.json", {"id": 1})
    args = [
        "--include-fields",
        "files_count, notes_count,",
        "--include-fields",
        "products_count",
    ]

    status = cli.main(convert_args(str(source), *args, entity="deal"))

    assert status == 0
    assert received == [("files_count", "notes_count", "products_count")]


def test_convert_include_fields_kept_in_output(capsys):
    deal = read_ndjson(EXAMPLE_DEALS.read_text(encoding="utf-8"))[0]
    args = ["--include-fields", "files_count,notes_count"]

    status = cli.main(convert_args(str(EXAMPLE_DEALS), *args, entity="deal"))

    first = read_ndjson(capsys.readouterr().out)[0]
    expected = to_v2("deal", deal, include_fields=("files_count", "notes_count"))
    assert status == 0
    assert first == expected
    assert first["files_count"] == deal["files_count"]


def test_convert_include_fields_unknown_exits_2(tmp_path, capsys):
    source = write_json(tmp_path / "deal.json", {"id": 1})
    args = ["--include-fields", "files_count,file_count"]

    with pytest.raises(SystemExit) as exit_info:
        cli.main(convert_args(str(source), *args, entity="deal"))

    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert "argument --include-fields: invalid name 'file_count' for deal" in err
    assert "files_count" in err


def test_convert_include_fields_with_v1_exits_2(tmp_path, capsys):
    source = write_json(tmp_path / "deal.json", {"id": 1})

    with pytest.raises(SystemExit) as exit_info:
        cli.main(convert_args(str(source), "--include-fields", "x", target="v1"))

    assert exit_info.value.code == 2
    assert "--include-fields is valid only with --to v2" in capsys.readouterr().err


# Invalid input and failing records


@pytest.fixture(params=["orjson", "json"])
def json_parser(request, monkeypatch):
    """Run the test once with each JSON parser the layer can use."""
    if request.param == "orjson" and not io_layer.ORJSON_AVAILABLE:
        pytest.skip("orjson is not installed")
    if request.param == "json":
        monkeypatch.setattr(io_layer, "ORJSON_AVAILABLE", False)
    return request.param


@pytest.mark.usefixtures("json_parser")
def test_convert_bad_json_reports_line_and_column(tmp_path, capsys):
    source = tmp_path / "stage.json"
    source.write_text('{\n  "id": 1,\n  "name" "Lead In"\n}\n', encoding="utf-8")

    status = cli.main(convert_args(str(source)))

    err = capsys.readouterr().err
    assert status == 1
    # The exact column and wording depend on the parser.
    assert re.match(r"error: invalid JSON at line 3, column (9|10): \S", err)
    assert err.count("\n") == 2
    assert err.endswith("\n" + counts(0, 0, 0))


@pytest.mark.usefixtures("json_parser")
def test_convert_bad_ndjson_line_reports_line(tmp_path, capsys):
    source = tmp_path / "stages.ndjson"
    source.write_text(json.dumps(STAGE_V1) + '\n\n{"id": 2,}\n', encoding="utf-8")

    status = cli.main(convert_args(str(source)))

    err = capsys.readouterr().err
    assert status == 1
    assert re.match(r"line 3: invalid JSON at column (9|10): \S", err)


@pytest.mark.usefixtures("json_parser")
def test_convert_two_values_on_one_line(tmp_path, capsys):
    source = tmp_path / "stages.json"
    source.write_text('{"id": 1} {"id": 2}\n', encoding="utf-8")

    status = cli.main(convert_args(str(source)))

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("error: invalid JSON at line 1, column 11: ")
    assert "put exactly one JSON value on each line" in err


@pytest.mark.usefixtures("json_parser")
def test_convert_invalid_utf8(tmp_path, capsys):
    source = tmp_path / "stage.json"
    source.write_bytes(b'{"name": "\xff"}')

    status = cli.main(convert_args(str(source)))

    assert status == 1
    assert capsys.readouterr().err.startswith("error: invalid JSON at line 1")


def test_convert_empty_input(tmp_path, capsys):
    source = tmp_path / "empty.json"
    source.write_text("\n  \n", encoding="utf-8")

    status = cli.main(convert_args(str(source)))

    assert status == 1
    assert capsys.readouterr().err == (
        "error: the input is empty: expected JSON or NDJSON\n" + counts(0, 0, 0)
    )


def test_convert_scalar_input(tmp_path, capsys):
    source = tmp_path / "number.json"
    source.write_text("42\n", encoding="utf-8")

    status = cli.main(convert_args(str(source)))

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("error: unsupported input:")
    assert err.endswith("got number\n" + counts(0, 0, 0))


def test_convert_missing_input_file(tmp_path, capsys):
    missing = tmp_path / "missing.json"

    status = cli.main(convert_args(str(missing)))

    err = capsys.readouterr().err
    assert status == 1
    assert err == f"error: No such file or directory: {str(missing)!r}\n" + counts(
        0, 0, 0
    )


def test_convert_unknown_entity_exits_2(tmp_path, capsys):
    source = write_json(tmp_path / "lead.json", {"id": 1})

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["convert", "--entity", "lead", "--to", "v2", str(source)])

    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert "invalid choice: 'lead'" in err


def test_convert_missing_target_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["convert", "--entity", "deal"])

    assert exit_info.value.code == 2
    assert "--to" in capsys.readouterr().err


@pytest.mark.usefixtures("stub_converter")
def test_convert_record_error_ndjson_line(tmp_path, capsys):
    source = tmp_path / "records.json"
    source.write_text('{"id": 1}\n\n{"id": 2, "bad": "maybe"}\n{"id": 3}\n')

    status = cli.main(convert_args(str(source)))

    captured = capsys.readouterr()
    assert status == 1
    assert captured.err == f"line 3: {STUB_FAILURE}\n" + counts(2, 1, 1)
    # The records before the failing one were already streamed out.
    assert read_ndjson(captured.out) == [{"entity": "stage", "id": 1}]


@pytest.mark.usefixtures("stub_converter")
def test_convert_record_error_array_index(tmp_path, capsys):
    source = write_json(tmp_path / "records.json", [{"id": 1}, {"bad": "maybe"}])

    status = cli.main(convert_args(str(source)))

    captured = capsys.readouterr()
    assert status == 1
    assert captured.err == f"record 1: {STUB_FAILURE}\n" + counts(2, 0, 1)
    assert captured.out == ""


@pytest.mark.usefixtures("stub_converter")
def test_convert_record_error_single_object(tmp_path, capsys):
    source = write_json(tmp_path / "record.json", {"bad": "maybe"})

    status = cli.main(convert_args(str(source)))

    assert status == 1
    assert capsys.readouterr().err == f"error: {STUB_FAILURE}\n" + counts(1, 0, 1)


def test_convert_record_error_envelope_list(tmp_path, capsys):
    bad_stage = {**STAGE_V1_SECOND, "active_flag": "maybe"}
    envelope = {"success": True, "data": [STAGE_V1, bad_stage]}
    source = write_json(tmp_path / "response.json", envelope)

    status = cli.main(convert_args(str(source)))

    err = capsys.readouterr().err
    assert status == 1
    # An envelope is one record: its pagination belongs to the whole page.
    assert err.startswith("error: invalid boolean: ")
    assert "got 'maybe' @ $.data[1].active_flag" in err
    assert err.endswith(counts(1, 0, 1))


def test_convert_record_error_envelope_object_path(tmp_path, capsys):
    bad_stage = {**STAGE_V1, "add_time": "yesterday"}
    source = write_json(
        tmp_path / "response.json", {"success": True, "data": bad_stage}
    )

    status = cli.main(convert_args(str(source)))

    err = capsys.readouterr().err
    assert status == 1
    assert "@ $.data.add_time" in err


def test_convert_record_error_ndjson_envelope(tmp_path, capsys):
    bad_stage = {**STAGE_V1_SECOND, "active_flag": "maybe"}
    pages = [
        {"success": True, "data": [STAGE_V1]},
        {"success": True, "data": [bad_stage]},
    ]
    source = write_ndjson(tmp_path / "pages.ndjson", pages)

    cli.main(convert_args(str(source)))

    err = capsys.readouterr().err
    assert err.startswith("line 2: invalid boolean: ")
    assert "@ $.data[0].active_flag" in err


def test_convert_real_record_error_ndjson(tmp_path, capsys):
    bad_stage = {**STAGE_V1_SECOND, "active_flag": "maybe"}
    source = write_ndjson(tmp_path / "stages.ndjson", [STAGE_V1, bad_stage])

    status = cli.main(convert_args(str(source)))

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("line 2: invalid boolean: ")
    assert "got 'maybe' @ $.active_flag" in err
    assert err.count("\n") == 2


def test_convert_real_record_error_array(tmp_path, capsys):
    bad_stage = {**STAGE_V1_SECOND, "add_time": "yesterday"}
    source = write_json(tmp_path / "stages.json", [STAGE_V1, bad_stage])

    status = cli.main(convert_args(str(source)))

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("record 1: invalid v1 timestamp: ")
    assert "got 'yesterday' @ $.add_time" in err


def test_convert_non_object_record(tmp_path, capsys):
    source = write_json(tmp_path / "records.json", [STAGE_V1, [1, 2]])

    status = cli.main(convert_args(str(source)))

    assert status == 1
    assert capsys.readouterr().err == (
        "record 1: invalid record: expected a JSON object, got [1, 2] @ $\n"
        + counts(2, 0, 1)
    )


# Parser


def test_build_parser_parses_convert():
    args = cli.build_parser().parse_args(convert_args("in.json", "-o", "out.json"))

    assert args.command == "convert"
    assert args.entity == "stage"
    assert args.target == "v2"
    assert args.input == "in.json"
    assert args.output == "out.json"
    assert args.handler is cli.run_convert


def test_build_parser_requires_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([])

    assert exit_info.value.code == 2


def test_main_runs_webhook_command(capsys):
    delivery = WEBHOOK_FIXTURES / "v1_added_deal.json"
    with open(delivery, encoding="utf-8") as stream:
        expected = normalize_webhook(json.load(stream), to="v2")

    status = cli.main(["webhook", "--to", "v2", str(delivery)])

    assert status == 0
    assert json.loads(capsys.readouterr().out) == expected


def test_main_runs_request_command(capsys):
    status = cli.main(["request", "--to", "v2", "PUT /v1/deals/5"])

    assert status == 0
    assert capsys.readouterr().out == "PATCH /api/v2/deals/5\n"


def test_main_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])

    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"pipedrive-shapes {__version__}\n"


def test_convert_help_describes_options(capsys):
    with pytest.raises(SystemExit):
        cli.main(["convert", "--help"])

    out = capsys.readouterr().out
    assert "API version to convert the records to." in out
    assert "pipeline" in out


# JSON layer


def test_load_json_keeps_big_integers():
    assert io_layer.load_json(b"[123456789012345678901234567890]") == [
        123456789012345678901234567890
    ]


@pytest.mark.parametrize("text", [b"[NaN]", b"[Infinity]", b"[-Infinity]", b"[1e400]"])
def test_load_json_rejects_non_finite_numbers(text):
    with pytest.raises(io_layer.JSONSyntaxError):
        io_layer.load_json(text)


@pytest.mark.parametrize("text", [b"[NaN]", b"[1e400]", b'{"a" 1}'])
def test_load_json_without_orjson_rejects(monkeypatch, text):
    monkeypatch.setattr(io_layer, "ORJSON_AVAILABLE", False)

    with pytest.raises(io_layer.JSONSyntaxError):
        io_layer.load_json(text)


def test_dump_json_big_integer():
    assert io_layer.dump_json({"n": 2**70}) == b'{"n":1180591620717411303424}'


@pytest.mark.parametrize("indent", [None, 2])
def test_dump_json_same_bytes_without_orjson(monkeypatch, indent):
    value = {"name": "Größe", "list": [1, 2.5, None, True], "empty": {}, "none": []}
    with_default = io_layer.dump_json(value, indent=indent)
    monkeypatch.setattr(io_layer, "ORJSON_AVAILABLE", False)

    assert io_layer.dump_json(value, indent=indent) == with_default


def test_dump_json_lone_surrogate_raises():
    with pytest.raises(io_layer.OutputError):
        io_layer.dump_json({"name": "\ud800"})


@pytest.mark.parametrize("indent", [None, 2])
def test_convert_same_output_without_orjson(tmp_path, monkeypatch, capsys, indent):
    source = write_json(tmp_path / "stages.json", [STAGE_V1, STAGE_V1_SECOND])
    extra = [] if indent is None else ["--indent", str(indent)]
    cli.main(convert_args(str(source), *extra))
    with_default = capsys.readouterr().out
    monkeypatch.setattr(io_layer, "ORJSON_AVAILABLE", False)

    cli.main(convert_args(str(source), *extra))

    assert capsys.readouterr().out == with_default


# Separate process


def run_module(
    module: str, *args: str, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPOSITORY_ROOT), env.get("PYTHONPATH")])
    )
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_cli_module_ndjson_stdin_to_stdout():
    data = f"{json.dumps(STAGE_V1)}\n{json.dumps(STAGE_V1_SECOND)}\n".encode()

    result = run_module("pipedrive_shapes.cli", *convert_args(), stdin=data)

    assert result.returncode == 0
    assert result.stderr == counts(2, 2, 0).encode()
    expected = [stage_to_v2(STAGE_V1), stage_to_v2(STAGE_V1_SECOND)]
    assert read_ndjson(result.stdout.decode()) == expected


def test_cli_module_record_error_exit_1(tmp_path):
    bad_stage = {**STAGE_V1_SECOND, "rotten_days": "x"}
    source = write_ndjson(tmp_path / "stages.ndjson", [STAGE_V1, STAGE_V1, bad_stage])
    target = tmp_path / "stages.v2.ndjson"

    result = run_module(
        "pipedrive_shapes.cli", *convert_args(str(source), "-o", str(target))
    )

    assert result.returncode == 1
    assert result.stderr.startswith(b"line 3: invalid number: ")
    assert b"@ $.rotten_days" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["stages.ndjson"]


def test_cli_module_non_object_line_exit_1():
    data = f'{json.dumps(STAGE_V1)}\n"not an object"\n'.encode()

    result = run_module("pipedrive_shapes.cli", *convert_args(), stdin=data)

    assert result.returncode == 1
    assert result.stderr == (
        b"line 2: invalid record: expected a JSON object, got 'not an object' @ $\n"
        + counts(2, 1, 1).encode()
    )


def test_cli_module_unknown_entity_exit_2():
    result = run_module(
        "pipedrive_shapes.cli", "convert", "--entity", "x", "--to", "v2"
    )

    assert result.returncode == 2


def test_package_module_version():
    result = run_module("pipedrive_shapes", "--version")

    assert result.returncode == 0
    assert result.stdout.decode() == f"pipedrive-shapes {__version__}\n"
