"""Schemas of the content catalog streams (`catalog`), field for field from the 2026-03
OpenAPI document.

As in `schemas_v1`, every spec field is nullable except the stream's key (the spec's
identifier). The `cursor` each record of a cursor page carries is paging metadata and is
left out. The per-folder streams add `folder_hashed_id`, the folder they were read for (the
API's records do not say: a subfolder names no folder). `tests/test_schemas.py` walks the
2026-03 document and fails if a field of a response definition is missing.
"""

from __future__ import annotations

from singer_sdk import typing as th

from tap_wistia.streams.schemas_v1 import DELETED_AT, THUMBNAIL, key_property


def integer_key(name: str) -> th.Property:
    """A key field the spec types as an integer; never null."""
    return th.Property(name, th.IntegerType(nullable=False), required=True)


_FOLDER_OF_RECORD = th.Property(
    "folder_hashed_id",
    th.StringType,
    description="Hashed id of the folder the record was read for (the request's path).",
)

ACCOUNT = th.PropertiesList(
    integer_key("id"),
    th.Property("name", th.StringType),
    th.Property("url", th.StringType, description="The account's main Wistia URL."),
    th.Property("media_count", th.IntegerType),
    th.Property("video_limit", th.IntegerType),
    th.Property("folder_count", th.IntegerType),
    th.Property("channel_count", th.IntegerType),
).to_dict()

# What the 2026-03 document declares under a folder's `medias` (an object, not a list).
_FOLDER_MEDIA = th.ObjectType(
    th.Property("id", th.IntegerType),
    th.Property("name", th.StringType),
    th.Property("type", th.StringType),
    th.Property("archived", th.BooleanType),
    th.Property("created", th.DateTimeType),
    th.Property("updated", th.DateTimeType),
    th.Property("duration", th.NumberType),
    th.Property("embedCode", th.StringType),
    th.Property("hashed_id", th.StringType),
    th.Property("description", th.StringType),
    th.Property("progress", th.NumberType),
    th.Property("status", th.StringType),
    th.Property("section", th.StringType),
    th.Property("thumbnail", THUMBNAIL),
)

FOLDER = th.PropertiesList(
    key_property("hashed_id"),
    th.Property("id", th.IntegerType, description="Numeric id (the v1 project's id)."),
    th.Property("name", th.StringType),
    th.Property("description", th.StringType),
    th.Property("media_count", th.IntegerType),
    th.Property("medias", _FOLDER_MEDIA),
    th.Property("created", th.DateTimeType),
    th.Property("updated", th.DateTimeType),
    th.Property("public", th.BooleanType),
    th.Property("public_id", th.StringType),
    th.Property("anonymous_can_upload", th.BooleanType),
    th.Property("anonymous_can_download", th.BooleanType),
).to_dict()

SUBFOLDER = th.PropertiesList(
    key_property("hashed_id"),
    _FOLDER_OF_RECORD,
    th.Property("name", th.StringType),
    th.Property("description", th.StringType),
    th.Property("position", th.IntegerType),
    th.Property("created", th.DateTimeType),
    th.Property("updated", th.DateTimeType),
).to_dict()

FOLDER_SHARING = th.PropertiesList(
    integer_key("id"),
    _FOLDER_OF_RECORD,
    th.Property("is_admin", th.BooleanType),
    th.Property("can_share", th.BooleanType),
    th.Property("can_download", th.BooleanType),
    th.Property("can_upload", th.BooleanType),
    th.Property(
        "share",
        th.ObjectType(
            th.Property("id", th.IntegerType),
            th.Property("name", th.StringType),
            th.Property("type", th.StringType, description="Contact or ContactGroup."),
            th.Property("email", th.StringType),
        ),
        description="The contact or contact group the folder is shared with.",
    ),
    th.Property(
        "folder",
        th.ObjectType(th.Property("id", th.IntegerType), th.Property("name", th.StringType)),
    ),
).to_dict()

TAG = th.PropertiesList(
    key_property("name"),
    th.Property("taggingsCount", th.IntegerType, description="Medias with this tag."),
    th.Property("created", th.DateTimeType),
    th.Property("updated", th.DateTimeType),
    DELETED_AT,
).to_dict()

CHANNEL = th.PropertiesList(
    key_property("hashed_id"),
    th.Property("id", th.IntegerType),
    th.Property("name", th.StringType),
    th.Property("description", th.StringType),
    th.Property("media_count", th.IntegerType),
    th.Property("created", th.DateTimeType),
    th.Property("updated", th.DateTimeType),
    DELETED_AT,
).to_dict()

CHANNEL_EPISODE = th.PropertiesList(
    key_property("hashed_id"),
    th.Property("channel_hashed_id", th.StringType),
    th.Property("media_hashed_id", th.StringType, description="The media this episode is."),
    th.Property("title", th.StringType),
    th.Property("description", th.StringType),
    th.Property("summary", th.StringType),
    th.Property("published", th.BooleanType),
    th.Property(
        "publish_at", th.DateTimeType, description="Scheduled publication (scheduled only)."
    ),
    th.Property("created", th.DateTimeType),
    th.Property("updated", th.DateTimeType),
).to_dict()

ALLOWED_DOMAIN = th.PropertiesList(
    key_property("domain"),
    th.Property("created_at", th.DateTimeType),
).to_dict()
