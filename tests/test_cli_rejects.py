"""Tests for rejected records: ``--rejects``, ``--on-error`` and the count line.

Every record read must end up in the output or among the rejects. The
tests feed files that mix good records with every kind of bad line and
check the counts, the exit status, the rejects file and what is left on
disk.
"""

from __future__ import annotations

import base64
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipedrive_shapes import _cli_records as records_layer
from pipedrive_shapes import _io as io_layer
from pipedrive_shapes import cli, to_v2

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
GUIDE_FIXTURES = REPOSITORY_ROOT / "tests" / "fixtures" / "guide"

with open(GUIDE_FIXTURES / "stage.v1.json", encoding="utf-8") as _stream:
    STAGE_V1: dict[str, Any] = json.load(_stream)

BAD_STAGE = {**STAGE_V1, "id": 3, "active_flag": "maybe"}
MORE_ITEMS_PAGE = {
    "success": True,
    "data": [{**STAGE_V1, "id": 4}],
    "additional_data": {
        "pagination": {"start": 0, "limit": 1, "more_items_in_collection": True}
    },
}


def stage(number: int) -> dict[str, Any]:
    return {**STAGE_V1, "id": number, "order_nr": number}


def line(value: Any) -> bytes:
    return json.dumps(value).encode() + b"\n"


# One line of each kind, with its 1-based number in MIXED_LINES and what the
# converter makes of it. Blank lines are skipped and not counted.
MIXED_LINES: list[tuple[str, bytes]] = [
    ("good", line(stage(1))),
    ("blank", b"\n"),
    ("malformed JSON", b'{"id": 2,}\n'),
    ("invalid UTF-8", b'{"name": "\xff"}\n'),
    ("JSON array", b"[1, 2]\n"),
    ("JSON number", b"42\n"),
    ("whitespace only", b"   \r\n"),
    ("failing record", line(BAD_STAGE)),
    ("page without cursor", line(MORE_ITEMS_PAGE)),
    ("NUL byte", b'{"id": \x00}\n'),
    ("good", line(stage(11))),
    ("good page", line({"success": True, "data": [stage(12)]})),
    ("truncated last line", b'{"id": 13, "na'),
]
MIXED_BAD_LINES = [3, 4, 5, 6, 8, 9, 10, 13]
MIXED_GOOD_LINES = [1, 11, 12]


def mixed_file(directory: Path, name: str = "mixed.ndjson") -> Path:
    path = directory / name
    path.write_bytes(b"".join(data for _, data in MIXED_LINES))
    return path


def expected_mixed_output() -> list[Any]:
    return [
        to_v2("stage", stage(1)),
        to_v2("stage", stage(11)),
        {
            "success": True,
            "data": [to_v2("stage", stage(12))],
            "additional_data": {"next_cursor": None},
        },
    ]


def convert_args(*extra: str, entity: str = "stage", target: str = "v2") -> list[str]:
    return ["convert", "--entity", entity, "--to", target, *extra]


def read_ndjson(text: str) -> list[Any]:
    return [json.loads(item) for item in text.splitlines()]


def read_rejects(path: Path) -> list[dict[str, Any]]:
    return read_ndjson(path.read_text(encoding="utf-8"))


def counts(read: int, written: int, rejected: int) -> str:
    return f"read {read}, written {written}, rejected {rejected}"


def last_line(text: str) -> str:
    return text.splitlines()[-1]


def parse_counts(text: str) -> tuple[int, int, int]:
    words = last_line(text).replace(",", "").split()
    assert words[0::2] == ["read", "written", "rejected"]
    return int(words[1]), int(words[3]), int(words[5])


@pytest.fixture(params=["orjson", "json"])
def json_parser(request, monkeypatch):
    """Run the test once with each JSON parser the layer can use."""
    if request.param == "orjson" and not io_layer.ORJSON_AVAILABLE:
        pytest.skip("orjson is not installed")
    if request.param == "json":
        monkeypatch.setattr(io_layer, "ORJSON_AVAILABLE", False)
    return request.param


# Lost nothing


@pytest.mark.usefixtures("json_parser")
def test_rejects_mixed_file_accounts_for_every_line(tmp_path, capsys):
    source = mixed_file(tmp_path)
    rejects = tmp_path / "rejects.ndjson"

    status = cli.main(
        convert_args(str(source), "--on-error", "skip", "--rejects", str(rejects))
    )

    captured = capsys.readouterr()
    read, written, rejected = parse_counts(captured.err)
    assert status == 2
    assert read == written + rejected
    assert (read, written, rejected) == (11, 3, 8)
    assert read_ndjson(captured.out) == expected_mixed_output()
    assert [entry["line"] for entry in read_rejects(rejects)] == MIXED_BAD_LINES
    # With a rejects file, standard error holds only the count line.
    assert captured.err == counts(11, 3, 8) + "\n"


@pytest.mark.usefixtures("json_parser")
def test_rejects_mixed_file_entries(tmp_path, capsys):
    source = mixed_file(tmp_path)
    rejects = tmp_path / "rejects.ndjson"

    cli.main(convert_args(str(source), "--on-error", "skip", "--rejects", str(rejects)))

    entries = {entry["line"]: entry for entry in read_rejects(rejects)}
    assert entries[3]["reason"].startswith("invalid JSON at column ")
    assert entries[3]["record"] == '{"id": 2,}'
    assert entries[4]["reason"] == "invalid UTF-8 at byte 11"
    assert entries[5]["record"] == [1, 2]
    assert entries[6]["reason"] == "invalid record: expected a JSON object, got 42"
    assert entries[8]["path"] == "$.active_flag"
    assert entries[8]["record"] == BAD_STAGE
    assert entries[9]["path"] == (
        "$.additional_data.pagination.more_items_in_collection"
    )
    assert "--next-cursor" in entries[9]["reason"]
    assert entries[10]["record"] == '{"id": \x00}'
    assert entries[13]["reason"].endswith(
        "(the last line has no line ending, so the input may be cut off)"
    )


def test_rejects_mixed_file_without_rejects_file(tmp_path, capsys):
    source = mixed_file(tmp_path)

    status = cli.main(convert_args(str(source), "--on-error", "skip"))

    lines = capsys.readouterr().err.splitlines()
    assert status == 2
    # One line per rejected record, in input order, then the count line.
    assert [int(text.split(":")[0].split()[1]) for text in lines[:-1]] == (
        MIXED_BAD_LINES
    )
    assert lines[-1] == counts(11, 3, 8)


def test_rejects_mixed_file_fail_stops_at_first(tmp_path, capsys):
    source = mixed_file(tmp_path)
    target = tmp_path / "out.ndjson"
    rejects = tmp_path / "rejects.ndjson"

    status = cli.main(
        convert_args(str(source), "-o", str(target), "--rejects", str(rejects))
    )

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("line 3: invalid JSON at column ")
    # Nothing reaches the output file, so nothing counts as written.
    assert last_line(err) == counts(2, 0, 1)
    assert not target.exists()
    assert [entry["line"] for entry in read_rejects(rejects)] == [3]


def test_rejects_mixed_file_fail_to_stdout(tmp_path, capsys):
    source = mixed_file(tmp_path)

    status = cli.main(convert_args(str(source)))

    captured = capsys.readouterr()
    assert status == 1
    # The line before the failure was already written to standard output.
    assert read_ndjson(captured.out) == [to_v2("stage", stage(1))]
    assert last_line(captured.err) == counts(2, 1, 1)


def test_rejects_mixed_file_into_output_file(tmp_path, capsys):
    source = mixed_file(tmp_path)
    target = tmp_path / "out.ndjson"
    rejects = tmp_path / "rejects.ndjson"
    args = ["-o", str(target), "--on-error", "skip", "--rejects", str(rejects)]

    status = cli.main(convert_args(str(source), *args))

    assert status == 2
    assert read_ndjson(target.read_text(encoding="utf-8")) == expected_mixed_output()
    assert len(read_rejects(rejects)) == 8
    assert sorted(os.listdir(tmp_path)) == [
        "mixed.ndjson",
        "out.ndjson",
        "rejects.ndjson",
    ]


# Rejects file format


def test_rejects_entry_keys_for_ndjson(tmp_path, capsys):
    source = tmp_path / "stages.ndjson"
    source.write_bytes(line(stage(1)) + line(BAD_STAGE))
    rejects = tmp_path / "rejects.ndjson"

    cli.main(convert_args(str(source), "--on-error", "skip", "--rejects", str(rejects)))

    [entry] = read_rejects(rejects)
    assert list(entry) == ["line", "path", "reason", "record"]
    assert entry["line"] == 2
    assert entry["path"] == "$.active_flag"
    assert entry["reason"] == (
        "invalid boolean: expected true/false, 1/0 or '1'/'0', got 'maybe' "
        "(fix the source record or drop the field)"
    )
    assert entry["record"] == BAD_STAGE


def test_rejects_entry_raw_line_base64(tmp_path, capsys):
    raw = b'{"name": "Gr\xf6\xdfe"}'
    source = tmp_path / "stages.ndjson"
    source.write_bytes(raw + b"\r\n")
    rejects = tmp_path / "rejects.ndjson"

    cli.main(convert_args(str(source), "--on-error", "skip", "--rejects", str(rejects)))

    [entry] = read_rejects(rejects)
    assert list(entry) == ["line", "path", "reason", "record", "record_base64"]
    # The text replaces the invalid bytes; base64 keeps them exactly.
    assert entry["record"] == '{"name": "Gr\ufffd\ufffde"}'
    assert base64.b64decode(entry["record_base64"]) == raw


def test_rejects_entry_index_for_array(tmp_path, capsys):
    source = tmp_path / "stages.json"
    source.write_text(json.dumps([stage(1), BAD_STAGE, "x", stage(4)]))
    rejects = tmp_path / "rejects.ndjson"

    status = cli.main(
        convert_args(str(source), "--on-error", "skip", "--rejects", str(rejects))
    )

    captured = capsys.readouterr()
    entries = read_rejects(rejects)
    assert status == 2
    assert json.loads(captured.out) == [
        to_v2("stage", stage(1)),
        to_v2("stage", stage(4)),
    ]
    assert [entry["index"] for entry in entries] == [1, 2]
    assert list(entries[0]) == ["index", "path", "reason", "record"]
    assert entries[1]["record"] == "x"
    assert last_line(captured.err) == counts(4, 2, 2)


def test_rejects_entry_single_object_has_no_location(tmp_path, capsys):
    source = tmp_path / "stage.json"
    source.write_text(json.dumps(BAD_STAGE))
    rejects = tmp_path / "rejects.ndjson"

    cli.main(convert_args(str(source), "--rejects", str(rejects)))

    [entry] = read_rejects(rejects)
    assert list(entry) == ["path", "reason", "record"]


def test_rejects_entry_envelope_path_names_record(tmp_path, capsys):
    page = {"success": True, "data": [stage(1), BAD_STAGE]}
    source = tmp_path / "page.json"
    source.write_text(json.dumps(page))
    rejects = tmp_path / "rejects.ndjson"

    status = cli.main(convert_args(str(source), "--rejects", str(rejects)))

    [entry] = read_rejects(rejects)
    assert status == 1
    # The whole envelope is the rejected record.
    assert entry["path"] == "$.data[1].active_flag"
    assert entry["record"] == page


# Exit status


@pytest.mark.parametrize(
    ("lines", "extra", "status"),
    [
        ([line(stage(1))], (), 0),
        ([line(stage(1))], ("--on-error", "skip"), 0),
        ([line(stage(1)), line(BAD_STAGE)], (), 1),
        ([line(stage(1)), line(BAD_STAGE)], ("--on-error", "skip"), 2),
        ([b"\x00\x01binary"], ("--on-error", "skip"), 1),
    ],
    ids=["clean", "clean-skip", "bad-fail", "bad-skip", "binary-skip"],
)
def test_exit_status(tmp_path, capsys, lines, extra, status):
    source = tmp_path / "stages.ndjson"
    source.write_bytes(b"".join(lines))

    assert cli.main(convert_args(str(source), *extra)) == status


def test_exit_status_interrupted(tmp_path, monkeypatch, capsys):
    calls = 0

    def interrupted_on_second(*args: Any, **kwargs: Any) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        return {"id": calls}

    monkeypatch.setattr(records_layer, "to_v2", interrupted_on_second)
    source = tmp_path / "stages.ndjson"
    source.write_bytes(line(stage(1)) + line(stage(2)) + line(stage(3)))
    target = tmp_path / "out.ndjson"
    rejects = tmp_path / "rejects.ndjson"
    args = ["-o", str(target), "--rejects", str(rejects), "--on-error", "skip"]

    status = cli.main(convert_args(str(source), *args))

    assert status == 130
    # Neither file is left behind half written, nor any temporary file.
    assert os.listdir(tmp_path) == ["stages.ndjson"]
    assert capsys.readouterr().err.splitlines() == [counts(1, 0, 0), "interrupted"]


def test_exit_status_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(convert_args("--on-error", "ignore"))

    assert exit_info.value.code == 2


# Whole inputs


def test_input_empty_ndjson_file_is_no_records(tmp_path, capsys):
    source = tmp_path / "empty.ndjson"
    source.write_bytes(b"")
    target = tmp_path / "out.ndjson"

    status = cli.main(convert_args(str(source), "-o", str(target)))

    assert status == 0
    assert target.read_bytes() == b""
    assert capsys.readouterr().err == counts(0, 0, 0) + "\n"


def test_input_empty_json_file_fails(tmp_path, capsys):
    source = tmp_path / "empty.json"
    source.write_bytes(b"")

    status = cli.main(convert_args(str(source), "--on-error", "skip"))

    assert status == 1
    assert capsys.readouterr().err.startswith("error: the input is empty")


def test_input_blank_lines_not_counted(tmp_path, capsys):
    source = tmp_path / "stages.ndjson"
    source.write_bytes(b"\n" + line(stage(1)) + b"\n \t\n" + line(stage(2)) + b"\n")

    status = cli.main(convert_args(str(source)))

    assert status == 0
    assert last_line(capsys.readouterr().err) == counts(2, 2, 0)


@pytest.mark.parametrize(
    "data",
    [
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00",  # the start of a gzip file
        "[{}]".encode("utf-16"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    ],
    ids=["gzip", "utf-16", "png"],
)
def test_input_binary_file_fails_whole(tmp_path, capsys, data):
    source = tmp_path / "data.ndjson"
    source.write_bytes(data)
    rejects = tmp_path / "rejects.ndjson"
    args = ["--on-error", "skip", "--rejects", str(rejects)]

    status = cli.main(convert_args(str(source), *args))

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("error: the input contains a NUL byte at offset ")
    assert last_line(err) == counts(0, 0, 0)
    assert not rejects.exists()


def test_input_binary_stdin_fails_whole(monkeypatch, capsys):
    stdin = io.BufferedReader(io.BytesIO(b"\x00" * 100))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stdin))

    status = cli.main(convert_args())

    assert status == 1
    assert "NUL byte at offset 0" in capsys.readouterr().err


def test_input_truncated_single_line_document(tmp_path, capsys):
    source = tmp_path / "stage.json"
    source.write_text('{"id": 1, "na')

    status = cli.main(convert_args(str(source), "--on-error", "skip"))

    assert status == 1
    assert capsys.readouterr().err.startswith("error: invalid JSON at line 1")


def test_input_bad_first_line_with_ndjson_option(monkeypatch, capsys):
    data = b"not json\n" + line(stage(1))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))

    status = cli.main(convert_args("--ndjson", "--on-error", "skip"))

    captured = capsys.readouterr()
    assert status == 2
    assert read_ndjson(captured.out) == [to_v2("stage", stage(1))]
    assert captured.err.startswith("line 1: invalid JSON at column 1")


def test_input_lone_surrogate_rejected(tmp_path, capsys):
    # A number of 19 digits sends the line to the json module, which accepts
    # the lone surrogate; the output encoder then rejects it.
    record = b'{"id": 1234567890123456789, "name": "\\ud800"}\n'
    source = tmp_path / "stages.ndjson"
    source.write_bytes(line(stage(1)) + record)
    rejects = tmp_path / "rejects.ndjson"
    args = ["--on-error", "skip", "--rejects", str(rejects)]

    status = cli.main(convert_args(str(source), *args))

    [entry] = read_rejects(rejects)
    assert status == 2
    assert entry["line"] == 2
    assert entry["reason"].startswith("cannot encode the result as JSON")


@pytest.mark.usefixtures("json_parser")
def test_input_deep_nesting_rejected(tmp_path, capsys):
    source = tmp_path / "stages.ndjson"
    source.write_bytes(line(stage(1)) + b'{"a": ' + b"[" * 100_000 + b"\n")

    status = cli.main(convert_args(str(source), "--on-error", "skip"))

    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("line 2: invalid JSON")
    assert last_line(err) == counts(2, 1, 1)


def test_converter_bug_becomes_reject(tmp_path, monkeypatch, capsys):
    def broken_to_v2(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise KeyError("owner")

    monkeypatch.setattr(records_layer, "to_v2", broken_to_v2)
    source = tmp_path / "stages.ndjson"
    source.write_bytes(line(stage(1)))

    status = cli.main(convert_args(str(source), "--on-error", "skip"))

    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("line 1: the converter failed with KeyError: 'owner'")
    assert "this is a bug in pipedrive_shapes" in err


# Documents with --on-error skip


def test_skip_single_object_leaves_output_alone(tmp_path, capsys):
    source = tmp_path / "stage.json"
    source.write_text(json.dumps(BAD_STAGE))
    target = tmp_path / "out.json"
    target.write_text("previous result")

    status = cli.main(
        convert_args(str(source), "-o", str(target), "--on-error", "skip")
    )

    assert status == 2
    assert target.read_text() == "previous result"
    assert last_line(capsys.readouterr().err) == counts(1, 0, 1)


def test_skip_array_all_rejected_writes_empty_array(tmp_path, capsys):
    source = tmp_path / "stages.json"
    source.write_text(json.dumps([BAD_STAGE, 7]))

    status = cli.main(convert_args(str(source), "--on-error", "skip"))

    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == "[]\n"
    assert last_line(captured.err) == counts(2, 0, 2)


# Argument checks


def test_rejects_same_as_input_exits_2(tmp_path, capsys):
    source = mixed_file(tmp_path)

    with pytest.raises(SystemExit) as exit_info:
        cli.main(convert_args(str(source), "--rejects", str(source)))

    assert exit_info.value.code == 2
    assert "--rejects names the input file" in capsys.readouterr().err


def test_rejects_same_as_output_exits_2(tmp_path, capsys):
    source = mixed_file(tmp_path)
    target = tmp_path / "out.ndjson"

    with pytest.raises(SystemExit) as exit_info:
        cli.main(convert_args(str(source), "-o", str(target), "--rejects", str(target)))

    assert exit_info.value.code == 2
    assert "--rejects and --output name the same file" in capsys.readouterr().err


def test_rejects_dash_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(convert_args("--rejects", "-"))

    assert exit_info.value.code == 2


def test_skip_in_place_needs_rejects(tmp_path, capsys):
    source = mixed_file(tmp_path)

    with pytest.raises(SystemExit) as exit_info:
        cli.main(convert_args(str(source), "-o", str(source), "--on-error", "skip"))

    assert exit_info.value.code == 2
    assert "needs --rejects" in capsys.readouterr().err
    assert source.read_bytes() == b"".join(data for _, data in MIXED_LINES)


def test_skip_in_place_with_rejects(tmp_path, capsys):
    source = mixed_file(tmp_path)
    rejects = tmp_path / "rejects.ndjson"
    args = ["-o", str(source), "--on-error", "skip", "--rejects", str(rejects)]

    status = cli.main(convert_args(str(source), *args))

    assert status == 2
    assert read_ndjson(source.read_text(encoding="utf-8")) == expected_mixed_output()
    assert len(read_rejects(rejects)) == len(MIXED_BAD_LINES)


def test_load_json_repeated_key_rejected() -> None:
    from pipedrive_shapes._io import JSONSyntaxError, load_json

    with pytest.raises(JSONSyntaxError, match="repeated key 'title'"):
        load_json(b'{"id": 1, "title": "a", "title": "b"}')


def test_load_json_repeated_nested_key_rejected() -> None:
    from pipedrive_shapes._io import JSONSyntaxError, load_json

    with pytest.raises(JSONSyntaxError, match="repeated key 'x'"):
        load_json(b'{"a": {"x": 1, "x" : 2}}')


@pytest.mark.parametrize(
    "data",
    [b'{"a":"\\":","b":1}', b'{"k\\\\":1}', b'[{"a":1},{"a":2}]', b'{\n  "a": 1\n}'],
)
def test_load_json_quotes_and_colons_in_strings_accepted(data: bytes) -> None:
    import json

    from pipedrive_shapes._io import load_json

    assert load_json(data) == json.loads(data)


# Objects as lists of (key, value) pairs, so that keys may repeat.
_pair_values = st.recursive(
    st.none() | st.integers(-5, 5) | st.text(':"\\ab', max_size=4),
    lambda children: (
        st.lists(
            st.tuples(st.sampled_from(["a", "b", "c:", '"d']), children), max_size=4
        ).map(lambda pairs: ("object", pairs))
        | st.lists(children, max_size=3).map(lambda items: ("array", items))
    ),
    max_leaves=8,
)


def _pairs_text(value: Any, space: str) -> str:
    """Write a pair structure as JSON text with ``space`` around each colon."""
    if isinstance(value, tuple) and value[0] == "object":
        members = (
            f"{json.dumps(key)}{space}:{space}{_pairs_text(item, space)}"
            for key, item in value[1]
        )
        return "{" + ", ".join(members) + "}"
    if isinstance(value, tuple):
        return "[" + ",".join(_pairs_text(item, space) for item in value[1]) + "]"
    return json.dumps(value)


def _repeats_key(value: Any) -> bool:
    if isinstance(value, tuple) and value[0] == "object":
        keys = [key for key, _ in value[1]]
        return len(set(keys)) != len(keys) or any(
            _repeats_key(item) for _, item in value[1]
        )
    if isinstance(value, tuple):
        return any(_repeats_key(item) for item in value[1])
    return False


@given(
    pairs=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c:"]), _pair_values),
        min_size=1,
        max_size=5,
    ),
    space=st.sampled_from(["", " ", "\n", "\t "]),
)
def test_load_json_rejects_exactly_repeated_keys(pairs: list[Any], space: str) -> None:
    """Any object, at any depth and with any spacing, is rejected when it repeats a key."""
    from pipedrive_shapes._io import JSONSyntaxError, load_json

    document = ("object", pairs)
    try:
        load_json(_pairs_text(document, space).encode())
        rejected = False
    except JSONSyntaxError:
        rejected = True
    assert rejected == _repeats_key(document)


@pytest.mark.parametrize(
    "value",
    [{"id": 1, "name": "Straße"}, {"id": 2**70}, [1.5, None, True], {}],
)
def test_dump_json_line_is_dump_json_with_newline(value: Any) -> None:
    from pipedrive_shapes._io import dump_json, dump_json_line

    assert dump_json_line(value) == dump_json(value) + b"\n"


def test_dump_json_line_rejects_lone_surrogate() -> None:
    from pipedrive_shapes._io import OutputError, dump_json_line

    with pytest.raises(OutputError):
        dump_json_line({"name": "\ud800"})
