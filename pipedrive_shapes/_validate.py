"""Validate one record against its version's schema: :func:`validate` and :func:`check`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pipedrive_shapes._catalog import FieldCatalog
from pipedrive_shapes._paths import Path, format_path
from pipedrive_shapes.errors import UNSET, ConversionError


def validate(
    entity: str,
    payload: Any,
    *,
    version: str = "v2",
    fields: FieldCatalog | None = None,
) -> list[str]:
    """List what is wrong with one record of ``entity`` in ``version``.

    The record is loaded with :func:`pipedrive_shapes.schemas.schema_for`'s
    schema; see ``docs/schemas.md`` for what each version accepts.

    :param entity: one of :data:`pipedrive_shapes.ENTITIES`, such as ``"deal"``.
    :param payload: the record, as decoded from JSON.
    :param version: ``"v2"`` (the default) or ``"v1"``.
    :param fields: the account's field definitions; custom field keys must
        then be fields of the catalog and their values must fit the types.
    :returns: one ``"<JSON path>: <message>"`` line per problem, sorted; an
        empty list for a valid record.
    :raises ConversionError: for an unknown entity or version, or a
        ``fields`` that is not a FieldCatalog.

    >>> validate("deal", {"id": 1, "value": "500", "visible_to": 2})
    ['$.value: Not a valid number.', '$.visible_to: Must be one of: 1, 3, 5, 7.']
    >>> validate("deal", {"id": 1, "value": "500", "visible_to": "3"}, version="v1")
    []
    """
    return sorted(
        f"{format_path(path)}: {message}"
        for path, message in _problems(entity, payload, version, fields)
    )


def check(
    entity: str,
    payload: Any,
    version: str,
    fields: FieldCatalog | None,
    *,
    output: bool = False,
) -> None:
    """Raise :class:`ConversionError` for the first problem :func:`validate` finds.

    :param output: whether ``payload`` is the converter's output rather than
        the caller's input; only the message and the hint change.
    :raises ConversionError: naming the problem's path, the value found there
        and marshmallow's message.
    """
    problems = sorted(
        _problems(entity, payload, version, fields),
        key=lambda item: (format_path(item[0]), item[1]),
    )
    if not problems:
        return
    path, message = problems[0]
    text = message[:1].lower() + message[1:]
    if output:
        raise ConversionError(
            f"the converted {version} {entity} is invalid: {text.rstrip('.')}",
            path=path,
            value=_value_at(payload, path),
            hint=f"the input has no valid {version} form; fix the source record",
        )
    raise ConversionError(
        f"invalid {version} {entity}: {text.rstrip('.')}",
        path=path,
        value=_value_at(payload, path),
        hint=f"fix the record, or run pipedrive_shapes.validate(..., version={version!r}) to list every problem",
    )


def _problems(
    entity: str, payload: Any, version: str, fields: FieldCatalog | None
) -> list[tuple[Path, str]]:
    # Imported here: pipedrive_shapes._api imports this module, and the
    # schemas import pipedrive_shapes._api.
    from marshmallow import ValidationError

    from pipedrive_shapes.schemas import schema_for

    if fields is not None and not isinstance(fields, FieldCatalog):
        raise ConversionError(
            "invalid fields argument",
            value=fields,
            expected="a FieldCatalog or None",
            hint="load definitions with FieldCatalog.from_json(...) or FieldCatalog.from_file(...)",
        )
    schema = schema_for(entity, version)(fields_catalog=fields)
    try:
        schema.load(payload)
    except ValidationError as error:
        return list(_flatten(error.messages, ()))
    return []


def _flatten(messages: Any, path: Path) -> Iterator[tuple[Path, str]]:
    """Walk marshmallow's nested messages; ``_schema`` keys name their parent."""
    if isinstance(messages, str):
        yield path, messages
    elif isinstance(messages, Mapping):
        for key, item in messages.items():
            yield from _flatten(item, path if key == "_schema" else (*path, key))
    elif isinstance(messages, Sequence):
        for item in messages:
            yield from _flatten(item, path)
    else:
        yield path, str(messages)


def _value_at(payload: Any, path: Path) -> Any:
    value = payload
    for key in path:
        if isinstance(value, Mapping):
            if key not in value:
                return UNSET
            value = value[key]
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            return UNSET
    return value
