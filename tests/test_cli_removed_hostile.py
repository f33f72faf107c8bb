"""Hostile input for ``convert --removed FILE``, the command line's lossless mode.

Every written record gets exactly one entry in the removed file, aligned
with the output, and ``--jobs 1`` and ``--jobs N`` write the same bytes.
``to_v1`` with that entry gives back the v1 input. Rejected records get no
entry. A run that stops, fails or is interrupted replaces neither the output
file nor the removed file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pipedrive_shapes import (
    FieldCatalog,
    cli,
    convert_envelope,
    convert_envelope_lossless,
    to_v1,
    to_v2_lossless,
)

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPOSITORY_ROOT / "examples"
DEAL_FIELDS = EXAMPLES / "deal_fields.v1.json"
FIELD_FILES = sorted(EXAMPLES.glob("*_fields.v1.json"))
DEAL_CATALOG = FieldCatalog.from_file(DEAL_FIELDS)

#: Each entity's example input in examples/.
ENTITY_EXAMPLES = {
    "activity": "activities.v1.ndjson",
    "deal": "deals.v1.ndjson",
    "deal_product": "deal_products.v1.json",
    "follower": "followers.v1.envelope.json",
    "organization": "organizations.v1.envelope.json",
    "person": "persons.v1.json",
    "pipeline": "pipelines.v1.json",
    "product": "products.v1.envelope.json",
    "product_variation": "product_variations.v1.ndjson",
    "stage": "stages.v1.ndjson",
}

OLD_OUTPUT = b"old output\n"
OLD_REMOVED = b"old removed\n"


def all_fields_catalog() -> FieldCatalog:
    catalog = FieldCatalog.from_file(FIELD_FILES[0])
    for path in FIELD_FILES[1:]:
        catalog = catalog.merged(FieldCatalog.from_file(path))
    return catalog


def example_deals() -> list[dict[str, Any]]:
    lines = (EXAMPLES / "deals.v1.ndjson").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def deal_line(record: dict[str, Any], ending: bytes = b"\n") -> bytes:
    return json.dumps(record).encode("utf-8") + ending


def read_lines(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def deal_args(source: Path | str, tmp_path: Path, *extra: str) -> list[str]:
    return [
        "convert",
        "--entity",
        "deal",
        "--to",
        "v2",
        "--fields",
        str(DEAL_FIELDS),
        "--no-progress",
        str(source),
        "-o",
        str(tmp_path / "out"),
        "--removed",
        str(tmp_path / "removed"),
        *extra,
    ]


def restored_deals(output: list[Any], removed: list[Any]) -> list[Any]:
    return [
        to_v1("deal", record, fields=DEAL_CATALOG, removed=left_out)
        for record, left_out in zip(output, removed, strict=True)
    ]


def hostile_ndjson() -> tuple[bytes, list[dict[str, Any]]]:
    """NDJSON whose good lines are mixed with every kind of rejected line.

    Returns the input and the records that must come out, in order.
    """
    deals = example_deals()
    big = {**deals[3], "id": 2**70, "value": -(2**80)}
    lines = [
        b"\xef\xbb\xbf" + deal_line(deals[0], b"\r\n"),
        b"\r\n",
        b" \t\n",
        deal_line(deals[1], b"\r\n"),
        b"{not json\n",
        deal_line({**deals[2], "add_time": "yesterday"}),
        b'{"id": 5, "id": 6, "title": "repeated"}\n',
        deal_line(big),
        b"[1, 2]\n",
        b"null\n",
        deal_line(deals[2]).rstrip(b"\n"),
    ]
    return b"".join(lines), [deals[0], deals[1], big, deals[2]]


# Passing: behaviour worth keeping


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_removed_hostile_ndjson_aligned(tmp_path: Path, jobs: str) -> None:
    data, expected = hostile_ndjson()
    source = tmp_path / "in.ndjson"
    source.write_bytes(data)
    status = cli.main(
        deal_args(
            source,
            tmp_path,
            "--on-error",
            "skip",
            "--jobs",
            jobs,
            "--rejects",
            str(tmp_path / "rejects"),
        )
    )
    output, removed = read_lines(tmp_path / "out"), read_lines(tmp_path / "removed")
    rejects = read_lines(tmp_path / "rejects")
    assert status == 2
    assert len(removed) == len(output)
    assert [reject["line"] for reject in rejects] == [5, 6, 7, 9, 10]
    assert restored_deals(output, removed) == expected


def test_removed_jobs_identical_over_ranges(tmp_path: Path) -> None:
    """Rejects fall in several 512 KiB ranges and in the first lines."""
    deals = example_deals()
    lines = []
    for index in range(800):
        record = {**deals[index % len(deals)], "id": index + 1}
        if index % 97 == 1:
            lines.append(b"{broken\n")
            continue
        if index % 131 == 2:
            record["add_time"] = "bogus"
        if index % 61 == 0:
            lines.append(b"\r\n")
        lines.append(deal_line(record, b"\r\n" if index % 2 else b"\n"))
    source = tmp_path / "in.ndjson"
    source.write_bytes(b"".join(lines))
    assert source.stat().st_size > 4 * 512 * 1024

    runs = {}
    for jobs in ("1", "2"):
        folder = tmp_path / f"jobs{jobs}"
        folder.mkdir()
        cli.main(
            deal_args(
                source,
                folder,
                "--on-error",
                "skip",
                "--jobs",
                jobs,
                "--rejects",
                str(folder / "rejects"),
            )
        )
        runs[jobs] = folder

    for name in ("out", "removed", "rejects"):
        assert (runs["1"] / name).read_bytes() == (runs["2"] / name).read_bytes(), name
    output = read_lines(runs["2"] / "out")
    removed = read_lines(runs["2"] / "removed")
    assert len(removed) == len(output)


def test_removed_stdin_jobs_to_stdout(tmp_path: Path) -> None:
    data, expected = hostile_ndjson()
    removed_path = tmp_path / "removed"
    args = deal_args("-", tmp_path, "--on-error", "skip", "--jobs", "2", "--ndjson")
    args[args.index("-o") + 1] = "-"
    result = subprocess.run(
        [sys.executable, "-m", "pipedrive_shapes", *args],
        input=data,
        capture_output=True,
        cwd=REPOSITORY_ROOT,
        check=False,
        timeout=60,
    )
    output = [json.loads(line) for line in result.stdout.splitlines()]
    removed = read_lines(removed_path)
    assert result.returncode == 2
    assert restored_deals(output, removed) == expected


def test_removed_array_rejects_unencodable_items(tmp_path: Path) -> None:
    """A lone surrogate reaches the records through the json module's parser.

    A 20-digit id sends the document to the json module, which accepts
    ``\\ud800``. An item with it in a removed field or in an output field
    cannot be written, so it is rejected and gets no entry.
    """
    deals = example_deals()
    items = [
        deals[0],
        {**deals[1], "last_activity_date": "SURROGATE"},
        {**deals[2], "title": "SURROGATE"},
        {**deals[3], "add_time": "bad"},
        {**deals[3], "id": 10**20},
    ]
    source = tmp_path / "in.json"
    source.write_bytes(json.dumps(items).replace("SURROGATE", "\\ud800").encode())
    status = cli.main(deal_args(source, tmp_path, "--on-error", "skip"))
    output = json.loads((tmp_path / "out").read_bytes())
    removed = json.loads((tmp_path / "removed").read_bytes())
    assert status == 2
    assert restored_deals(output, removed) == [items[0], items[4]]


@pytest.mark.parametrize(
    "envelope",
    [
        {"success": True, "data": None},
        {"success": True, "data": []},
        {"success": False, "error": "not found", "errorCode": 404},
        {
            "success": True,
            "data": None,
            "additional_data": {
                "pagination": {
                    "start": 0,
                    "limit": 100,
                    "more_items_in_collection": False,
                }
            },
        },
    ],
    ids=["null", "empty", "error", "null-with-pagination"],
)
def test_removed_envelope_edge_matches_library(
    tmp_path: Path, envelope: dict[str, Any]
) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(envelope), encoding="utf-8")
    cli.main(deal_args(source, tmp_path))
    output = json.loads((tmp_path / "out").read_bytes())
    removed = json.loads((tmp_path / "removed").read_bytes())
    expected = convert_envelope_lossless("deal", envelope, fields=DEAL_CATALOG)
    assert (output, removed) == expected


def test_removed_envelopes_in_ndjson_restore(tmp_path: Path) -> None:
    deals = example_deals()
    pagination = {"start": 0, "limit": 2, "more_items_in_collection": False}
    pages: list[dict[str, Any]] = [
        {
            "success": True,
            "data": deals[:2],
            "additional_data": {"pagination": pagination},
        },
        {"success": True, "data": deals[2]},
        {"success": True, "data": [deals[3], {**deals[0], "add_time": "bad"}]},
        {"success": True, "data": None},
    ]
    source = tmp_path / "in.ndjson"
    source.write_bytes(b"".join(deal_line(page) for page in pages))
    cli.main(deal_args(source, tmp_path, "--on-error", "skip", "--jobs", "2"))
    output, removed = read_lines(tmp_path / "out"), read_lines(tmp_path / "removed")
    back = [
        convert_envelope("deal", page, to="v1", fields=DEAL_CATALOG, removed=left_out)
        for page, left_out in zip(output, removed, strict=True)
    ]
    assert back == [pages[0], pages[1], pages[3]]


@pytest.mark.parametrize("entity", sorted(ENTITY_EXAMPLES))
def test_removed_restores_every_entity(tmp_path: Path, entity: str) -> None:
    source = EXAMPLES / ENTITY_EXAMPLES[entity]
    catalog = all_fields_catalog()
    args = ["convert", "--entity", entity, "--to", "v2", "--no-progress"]
    for path in FIELD_FILES:
        args += ["--fields", str(path)]
    args += [
        str(source),
        "-o",
        str(tmp_path / "out"),
        "--removed",
        str(tmp_path / "rm"),
    ]
    assert cli.main(args) == 0

    text = source.read_text(encoding="utf-8")
    if source.suffix == ".ndjson":
        originals = [json.loads(line) for line in text.splitlines() if line.strip()]
        pairs = zip(
            read_lines(tmp_path / "out"), read_lines(tmp_path / "rm"), strict=True
        )
        back = [to_v1(entity, record, fields=catalog, removed=m) for record, m in pairs]
        assert back == originals
        return

    original = json.loads(text)
    output = json.loads((tmp_path / "out").read_bytes())
    removed = json.loads((tmp_path / "rm").read_bytes())
    if isinstance(original, list):
        pairs = zip(output, removed, strict=True)
        back = [to_v1(entity, record, fields=catalog, removed=m) for record, m in pairs]
        assert back == original
    else:
        envelope = convert_envelope(
            entity, output, to="v1", fields=catalog, removed=removed
        )
        assert envelope == original


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_removed_stopped_run_keeps_old_files(tmp_path: Path, jobs: str) -> None:
    deals = example_deals()
    records = [*deals, {**deals[0], "add_time": "bad"}, *deals]
    source = tmp_path / "in.ndjson"
    source.write_bytes(b"".join(deal_line(record) for record in records))
    (tmp_path / "out").write_bytes(OLD_OUTPUT)
    (tmp_path / "removed").write_bytes(OLD_REMOVED)
    status = cli.main(deal_args(source, tmp_path, "--jobs", jobs))
    assert status == 1
    assert (tmp_path / "out").read_bytes() == OLD_OUTPUT
    assert (tmp_path / "removed").read_bytes() == OLD_REMOVED
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_removed_sigint_jobs_keeps_old_files(tmp_path: Path) -> None:
    """Ctrl-C while the run waits for more standard input in two workers."""
    (tmp_path / "out").write_bytes(OLD_OUTPUT)
    (tmp_path / "removed").write_bytes(OLD_REMOVED)
    args = deal_args("-", tmp_path, "--jobs", "2", "--ndjson")
    process = subprocess.Popen(
        [sys.executable, "-m", "pipedrive_shapes", *args],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPOSITORY_ROOT,
    )
    assert process.stdin is not None
    deals = example_deals()
    process.stdin.write(b"".join(deal_line(deals[i % 4]) for i in range(600)))
    process.stdin.flush()
    deadline = time.monotonic() + 20
    while len(list(tmp_path.glob(".*.tmp"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    _, error = process.communicate(timeout=30)
    assert process.returncode == 130, error
    assert (tmp_path / "out").read_bytes() == OLD_OUTPUT
    assert (tmp_path / "removed").read_bytes() == OLD_REMOVED
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("input", "--removed names the input file"),
        ("input-link", "--removed names the input file"),
        ("rejects", "--removed and --rejects name the same file"),
    ],
)
def test_removed_colliding_paths_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, message: str
) -> None:
    source = tmp_path / "in.ndjson"
    source.write_bytes(deal_line(example_deals()[0]))
    (tmp_path / "link").symlink_to(source)
    target = {
        "input": source,
        "input-link": tmp_path / "link",
        "rejects": tmp_path / "r",
    }
    args = deal_args(source, tmp_path, "--rejects", str(tmp_path / "r"))
    args[args.index("--removed") + 1] = str(target[option])
    with pytest.raises(SystemExit) as stopped:
        cli.main(args)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err
    assert source.read_bytes() == deal_line(example_deals()[0])


# Open problems


def test_removed_kept_when_output_rename_fails(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "removed").write_bytes(OLD_REMOVED)
    status = cli.main(deal_args(EXAMPLES / "deals.v1.ndjson", tmp_path))
    assert status == 1
    assert (tmp_path / "removed").read_bytes() == OLD_REMOVED


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_removed_kept_when_interrupted_at_output_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync

    def interrupt_output_sync(descriptor: int) -> None:
        if "/.out." in os.readlink(f"/proc/self/fd/{descriptor}"):
            raise KeyboardInterrupt
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", interrupt_output_sync)
    (tmp_path / "out").write_bytes(OLD_OUTPUT)
    (tmp_path / "removed").write_bytes(OLD_REMOVED)
    status = cli.main(deal_args(EXAMPLES / "deals.v1.ndjson", tmp_path))
    assert status == 130
    assert (tmp_path / "out").read_bytes() == OLD_OUTPUT
    assert (tmp_path / "removed").read_bytes() == OLD_REMOVED


def test_removed_naming_fields_file_rejected(tmp_path: Path) -> None:
    fields = tmp_path / "deal_fields.json"
    fields.write_bytes(DEAL_FIELDS.read_bytes())
    args = deal_args(EXAMPLES / "deals.v1.ndjson", tmp_path, "--fields", str(fields))
    args[args.index("--removed") + 1] = str(fields)
    with pytest.raises(SystemExit) as stopped:
        cli.main(args)
    assert stopped.value.code == 2
    assert fields.read_bytes() == DEAL_FIELDS.read_bytes()


def test_removed_folder_is_usage_error(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    args = deal_args(EXAMPLES / "deals.v1.ndjson", tmp_path)
    args[args.index("--removed") + 1] = str(folder)
    with pytest.raises(SystemExit) as stopped:
        cli.main(args)
    assert stopped.value.code == 2


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("next_activity_id", "12"),
        ("last_incoming_mail_time", "2024-01-01 10:00:00.123"),
    ],
)
def test_removed_include_fields_restores(tmp_path: Path, key: str, value: Any) -> None:
    deal = {**example_deals()[0], key: value}
    source = tmp_path / "in.ndjson"
    source.write_bytes(deal_line(deal))
    cli.main(deal_args(source, tmp_path, "--include-fields", key))
    output, removed = read_lines(tmp_path / "out"), read_lines(tmp_path / "removed")
    assert restored_deals(output, removed) == [deal]


def test_to_v2_lossless_include_fields_string_id() -> None:
    deal = {**example_deals()[0], "next_activity_id": "12"}
    v2, removed = to_v2_lossless(
        "deal", deal, fields=DEAL_CATALOG, include_fields=["next_activity_id"]
    )
    assert to_v1("deal", v2, fields=DEAL_CATALOG, removed=removed) == deal
