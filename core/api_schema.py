"""The error answers of the API in its schema, and what drf-spectacular cannot infer.

Every operation lists the errors it can give (`error_responses`), each with its body: a 400
keyed by the request's own field names and nothing else; the other errors a `detail` in words.
"""

from collections.abc import Iterable, Mapping

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """An error without fields: what is wrong, in words, and for a refused step a code to act on."""

    detail = serializers.CharField()
    code = serializers.CharField(
        required=False,
        help_text="For a step refused by a rule of the process: not_allowed (403), wrong_stage, stale or refused (409).",
    )


class TooLargeSerializer(ErrorSerializer):
    """A body over the limit (docs/decisions/0009)."""

    code = serializers.CharField(help_text="too_large")
    limit_bytes = serializers.IntegerField(help_text="The largest body accepted, in bytes (files aside).")


ERROR_LIST = {"type": "array", "items": {"type": "string"}}
ERROR_LIST_BY_INDEX = {
    "oneOf": [
        ERROR_LIST,
        {"type": "object", "additionalProperties": ERROR_LIST, "description": "The errors of each item, by its index."},
    ]
}


def field_errors_schema(fields: Iterable[str], *, lists: Iterable[str] = ()) -> dict:
    """A 400's body: the errors of each field of the request, by the request's own field names, and
    nothing else (non_field_errors: the body as a whole; detail: a body that could not be parsed)."""
    properties = {name: ERROR_LIST for name in fields}
    properties.update({name: ERROR_LIST_BY_INDEX for name in lists})
    properties["non_field_errors"] = ERROR_LIST
    properties["detail"] = {"type": "string"}
    return {"type": "object", "properties": properties, "additionalProperties": False}


def error_responses(
    *,
    fields: Iterable[str] | None = None,
    lists: Iterable[str] = (),
    record: bool = True,
    conflict: bool = False,
    fields_note: str = "",
    auth: int = 403,
) -> dict:
    """The error answers of one operation, for `extend_schema(responses=...)`.

    `fields`: the request's fields (a body is sent: 400, 413, 415); `record`: the path names a
    record or page (404); `conflict`: a step or change the process may refuse (409); `auth`: the
    status of a caller without valid credentials (403 for people, who sign in or send a token;
    401 for source systems, whose bearer token is asked for).
    """
    answers = {
        auth: OpenApiResponse(
            ErrorSerializer,
            description="No valid credentials"
            + ("." if auth == 401 else ", or the caller may not do this (a rule of the process: code not_allowed)."),
        ),
        429: OpenApiResponse(ErrorSerializer, description="Too many requests: wait the seconds the Retry-After header says."),
    }
    if record:
        answers[404] = OpenApiResponse(
            ErrorSerializer, description="No such record among those the caller may see (or no such page of a list)."
        )
    if fields is not None:
        answers[400] = OpenApiResponse(
            field_errors_schema(fields, lists=lists),
            description="The request is not valid: the errors by the request's field names."
            + (f" {fields_note}" if fields_note else ""),
        )
        answers[413] = OpenApiResponse(TooLargeSerializer, description="The body is larger than the service accepts.")
        answers[415] = OpenApiResponse(ErrorSerializer, description="The body is not in a media type the operation accepts.")
    if conflict:
        answers[409] = OpenApiResponse(
            ErrorSerializer,
            description="Refused by the process: the record is at another stage "
            "(code wrong_stage), or changed since the version sent (code stale).",
        )
    # JSON, even from an endpoint that answers with a file (core.api.exception_handler).
    return {(status, "application/json"): answer for status, answer in answers.items()}


# Text the API takes: no NUL character (DRF refuses it in every CharField; PostgreSQL could not store
# it), and, where the text is required, something besides spaces (DRF or the service refuses spaces).
NO_NUL = r"^[^\x00]*$"
NON_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"


class RequestBody:
    """A request body, read as its schema says and described in the schema as the API reads it.

    Each field takes only the JSON type the schema gives it: DRF would take the number 0 as the
    text "0", the text "5" as the number 5, and 0 as false.

    Its text fields say the NUL character is refused (DRF's CharField refuses it; drf-spectacular
    does not say so). Its `schema_required` fields are required in the schema, and non-blank:
    fields the serializer lets through absent because something after it refuses their absence
    with a 400 in the page's words (a step's service, which checks them with the rest of the
    step; the view, for the version a PATCH must carry, where drf-spectacular makes every field
    optional), and required text the serializer refuses blank, which drf-spectacular does not say.
    """

    schema_required: tuple[str, ...] = ()

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name, field in self.fields.items():
                value = data.get(name, None)
                if name in data and not (value is None and field.allow_null) and not _of_json_type(field, value):
                    errors[name] = _type_error(field, value)
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


# The JSON type each kind of field takes (DRF would also take "5" for 5, 0 for false, 0 for "0").
JSON_TYPES = (
    (serializers.BooleanField, bool, "invalid"),
    (serializers.CharField, str, "invalid"),
    (serializers.IntegerField, int, "invalid"),
    (serializers.PrimaryKeyRelatedField, int, "incorrect_type"),
    (serializers.ListField, list, "not_a_list"),
)


def _of_json_type(field, value) -> bool:
    for field_class, python_type, _ in JSON_TYPES:
        if isinstance(field, field_class):
            return isinstance(value, python_type) and (python_type is bool or not isinstance(value, bool))
    return True


def _type_error(field, value) -> list[str]:
    key = next(key for field_class, _, key in JSON_TYPES if isinstance(field, field_class))
    try:
        field.fail(key, input_type=type(value).__name__, data_type=type(value).__name__)
    except serializers.ValidationError as error:
        return error.detail
    return []  # pragma: no cover - fail() always raises


class RequestBodySchema(OpenApiSerializerExtension):
    target_class = RequestBody
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        properties = schema.get("properties", {})
        for prop in properties.values():
            if _is_free_text(prop):
                prop["pattern"] = NO_NUL
        required = list(schema.get("required", []))
        for name in self.target.schema_required:
            if name not in required:
                required.append(name)
            prop = properties[name]
            # A default would stand in for what must be sent.
            prop.pop("default", None)
            if _is_free_text(prop) or prop.get("pattern") == NO_NUL:
                prop.setdefault("minLength", 1)
                prop["pattern"] = NON_BLANK
        if required:
            schema["required"] = required
        return schema


def _is_free_text(prop: dict) -> bool:
    """A string with no other constraint on its characters (no pattern, choices or format)."""
    return prop.get("type") == "string" and not {"pattern", "enum", "format", "oneOf", "$ref"} & set(prop)
