"""Tests for ``convert --removed FILE``, the command line's lossless mode.

Each written record gets what its conversion left out, aligned with the
output, so that ``to_v1`` with that map gives back the v1 input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipedrive_shapes import (
    FieldCatalog,
    cli,
    convert_envelope_lossless,
    to_v1,
)

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPOSITORY_ROOT / "examples"
DEAL_FIELDS = EXAMPLES / "deal_fields.v1.json"
CATALOG = FieldCatalog.from_file(DEAL_FIELDS)


def example_deals() -> list[dict[str, Any]]:
    lines = (EXAMPLES / "deals.v1.ndjson").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def many_deals(count: int) -> list[dict[str, Any]]:
    """``count`` deals from the examples, each with its own id."""
    deals = example_deals()
    return [{**deals[index % len(deals)], "id": index + 1} for index in range(count)]


def write_ndjson(path: Path, records: list[Any]) -> Path:
    path.write_text(
        "".join(json.dumps(record) + "\n" for record in records), encoding="utf-8"
    )
    return path


def read_ndjson(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def convert_deals(source: Path, tmp_path: Path, *extra: str) -> int:
    args = [
        "convert",
        "--entity",
        "deal",
        "--to",
        "v2",
        "--fields",
        str(DEAL_FIELDS),
        str(source),
        "-o",
        str(tmp_path / "out"),
        "--removed",
        str(tmp_path / "removed"),
        "--no-progress",
        *extra,
    ]
    return cli.main(args)


def restored(output: list[Any], removed: list[Any]) -> list[Any]:
    return [
        to_v1("deal", record, fields=CATALOG, removed=left_out)
        for record, left_out in zip(output, removed, strict=True)
    ]


def test_removed_ndjson_restores_each_deal(tmp_path: Path) -> None:
    deals = example_deals()
    status = convert_deals(write_ndjson(tmp_path / "in.ndjson", deals), tmp_path)
    output, removed = read_ndjson(tmp_path / "out"), read_ndjson(tmp_path / "removed")
    assert status == 0
    assert restored(output, removed) == deals


def test_removed_ndjson_lists_fields_v2_lacks(tmp_path: Path) -> None:
    deals = example_deals()
    convert_deals(write_ndjson(tmp_path / "in.ndjson", deals), tmp_path)
    removed = read_ndjson(tmp_path / "removed")
    assert "creator_user_id" in removed[0]


def test_removed_with_jobs_matches_one_process(tmp_path: Path) -> None:
    """Several byte ranges of 512 KiB, converted in two workers."""
    source = write_ndjson(tmp_path / "in.ndjson", many_deals(700))
    assert source.stat().st_size > 3 * 512 * 1024
    single_process = tmp_path / "single_process"
    single_process.mkdir()
    convert_deals(source, single_process)
    status = convert_deals(source, tmp_path, "--jobs", "2")
    assert status == 0
    assert (tmp_path / "removed").read_bytes() == (
        single_process / "removed"
    ).read_bytes()


def test_removed_skips_rejected_lines(tmp_path: Path) -> None:
    deals = example_deals()
    records: list[Any] = [deals[0], {**deals[1], "add_time": "yesterday"}, deals[2]]
    source = write_ndjson(tmp_path / "in.ndjson", records)
    status = convert_deals(source, tmp_path, "--on-error", "skip")
    output, removed = read_ndjson(tmp_path / "out"), read_ndjson(tmp_path / "removed")
    assert status == 2
    assert restored(output, removed) == [deals[0], deals[2]]


def test_removed_unwritten_when_run_stops(tmp_path: Path) -> None:
    deals = example_deals()
    source = write_ndjson(tmp_path / "in.ndjson", [{**deals[0], "add_time": "x"}])
    status = convert_deals(source, tmp_path)
    assert status == 1
    assert not (tmp_path / "removed").exists()


def test_removed_array_is_array_of_maps(tmp_path: Path) -> None:
    deals = example_deals()
    source = tmp_path / "in.json"
    source.write_text(json.dumps(deals), encoding="utf-8")
    convert_deals(source, tmp_path)
    output = json.loads((tmp_path / "out").read_text(encoding="utf-8"))
    removed = json.loads((tmp_path / "removed").read_text(encoding="utf-8"))
    assert restored(output, removed) == deals


def test_removed_object_is_one_map(tmp_path: Path) -> None:
    deal = example_deals()[0]
    source = tmp_path / "in.json"
    source.write_text(json.dumps(deal), encoding="utf-8")
    convert_deals(source, tmp_path)
    output = json.loads((tmp_path / "out").read_text(encoding="utf-8"))
    removed = json.loads((tmp_path / "removed").read_text(encoding="utf-8"))
    assert to_v1("deal", output, fields=CATALOG, removed=removed) == deal


def test_removed_envelope_matches_library(tmp_path: Path) -> None:
    envelope = json.loads(
        (EXAMPLES / "organizations.v1.envelope.json").read_text(encoding="utf-8")
    )
    source = tmp_path / "in.json"
    source.write_text(json.dumps(envelope), encoding="utf-8")
    cli.main(
        [
            "convert",
            "--entity",
            "organization",
            "--to",
            "v2",
            str(source),
            "-o",
            str(tmp_path / "out"),
            "--removed",
            str(tmp_path / "removed"),
        ]
    )
    _, expected = convert_envelope_lossless("organization", envelope)
    removed = json.loads((tmp_path / "removed").read_text(encoding="utf-8"))
    assert removed == expected


def test_removed_keeps_include_fields_in_output(tmp_path: Path) -> None:
    deals = [{**deal, "products_count": 2} for deal in example_deals()]
    source = write_ndjson(tmp_path / "in.ndjson", deals)
    convert_deals(source, tmp_path, "--include-fields", "products_count")
    output, removed = read_ndjson(tmp_path / "out"), read_ndjson(tmp_path / "removed")
    assert all(record["products_count"] == 2 for record in output)
    assert all("products_count" not in left_out for left_out in removed)
    assert restored(output, removed) == deals


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--to", "v1"], "--removed is valid only with --to v2"),
        (["--to", "v2", "--removed", "-"], "--removed needs a file name"),
        (["--to", "v2", "-o", "same.ndjson"], "--removed names --output"),
    ],
)
def test_removed_usage_errors(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    extra: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    source = write_ndjson(tmp_path / "in.ndjson", example_deals())
    args = ["convert", "--entity", "deal", str(source), "--removed", "same.ndjson"]
    with pytest.raises(SystemExit) as stopped:
        cli.main([*args, *extra])
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("option", ["-o", "--rejects"])
def test_output_naming_fields_file_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    fields = tmp_path / "fields.json"
    fields.write_bytes(DEAL_FIELDS.read_bytes())
    source = write_ndjson(tmp_path / "in.ndjson", example_deals())
    args = ["convert", "--entity", "deal", "--to", "v2", "--fields", str(fields)]
    with pytest.raises(SystemExit) as stopped:
        cli.main([*args, str(source), option, str(fields)])
    assert stopped.value.code == 2
    assert "names the --fields file" in capsys.readouterr().err
    assert fields.read_bytes() == DEAL_FIELDS.read_bytes()


def test_output_folder_error_names_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failed rename reports the output path, not the hidden temporary file."""
    folder = tmp_path / "out.ndjson"
    folder.mkdir()
    source = write_ndjson(tmp_path / "in.ndjson", example_deals())
    status = cli.main(
        ["convert", "--entity", "deal", "--to", "v2", str(source), "-o", str(folder)]
    )
    error = capsys.readouterr().err
    assert status == 1
    assert f"'{folder}'" in error
    assert ".tmp" not in error
