"""Stream schemas, field for field from Wistia's v1 OpenAPI definition.

Every property is nullable unless it is the stream's key: the live API sends null or ""
where the spec promises a value. Fields the live API returns beyond the v1 spec are
declared too (visitor `identifying_event_key`, media `protected`), so
they reach the warehouse instead of being dropped. `tests/test_schemas.py` walks the
OpenAPI definition and fails if a spec field is missing here.
"""

from __future__ import annotations

from singer_sdk import typing as th


def key_property(name: str) -> th.Property:
    """A key field: a string that is never null."""
    return th.Property(name, th.StringType(nullable=False), required=True)


# Set on the tap's deletion marks only (`streams.tombstones`): when a full listing first
# missed the record. Null on every record Wistia lists.
DELETED_AT = th.Property(
    "_sdc_deleted_at",
    th.DateTimeType,
    description="When the tap first found the record no longer listed (deleted in Wistia).",
)

THUMBNAIL = th.ObjectType(
    th.Property("url", th.StringType),
    th.Property("width", th.IntegerType),
    th.Property("height", th.IntegerType),
)

# A media asset; an event's thumbnail has the same shape.
ASSET = th.ObjectType(
    th.Property("url", th.StringType),
    th.Property("width", th.IntegerType),
    th.Property("height", th.IntegerType),
    th.Property("fileSize", th.IntegerType),
    th.Property("contentType", th.StringType),
    th.Property("type", th.StringType),
)

USER_AGENT_DETAILS = th.ObjectType(
    th.Property("browser", th.StringType),
    th.Property("browser_version", th.StringType),
    th.Property("platform", th.StringType),
    th.Property("mobile", th.BooleanType),
)

PROJECT = th.PropertiesList(
    th.Property("id", th.IntegerType(nullable=False), required=True),
    th.Property("hashedId", th.StringType),
    th.Property("name", th.StringType),
    th.Property("description", th.StringType),
    th.Property("mediaCount", th.IntegerType),
    th.Property("created", th.DateTimeType),
    th.Property("updated", th.DateTimeType),
    th.Property("public", th.BooleanType),
    th.Property("publicId", th.StringType),
    th.Property("anonymousCanUpload", th.BooleanType),
    th.Property("anonymousCanDownload", th.BooleanType),
    DELETED_AT,
).to_dict()

MEDIA = th.PropertiesList(
    key_property("hashed_id"),
    th.Property("id", th.IntegerType),
    th.Property("name", th.StringType),
    th.Property("type", th.StringType),
    th.Property("archived", th.BooleanType),
    th.Property("protected", th.BooleanType),
    th.Property("created", th.DateTimeType),
    th.Property("updated", th.DateTimeType(nullable=False), required=True),
    th.Property("duration", th.NumberType, description="Seconds (audio/video) or pages."),
    th.Property("description", th.StringType),
    th.Property("progress", th.NumberType),
    th.Property("status", th.StringType),
    th.Property("section", th.StringType),
    th.Property("embedCode", th.StringType),
    th.Property("thumbnail", THUMBNAIL),
    th.Property(
        "project",
        th.ObjectType(
            th.Property("id", th.IntegerType),
            th.Property("name", th.StringType),
            th.Property("hashedId", th.StringType),
        ),
    ),
    th.Property("assets", th.ArrayType(ASSET)),
    th.Property(
        "subfolder",
        th.ObjectType(
            th.Property("hashed_id", th.StringType),
            th.Property("name", th.StringType),
            th.Property("description", th.StringType),
            th.Property("position", th.IntegerType),
            th.Property("created", th.DateTimeType),
            th.Property("updated", th.DateTimeType),
        ),
    ),
    th.Property("tags", th.ArrayType(th.ObjectType(th.Property("name", th.StringType)))),
    DELETED_AT,
).to_dict()

_SNAPSHOT_KEYS = (
    key_property("media_id"),
    th.Property(
        "snapshot_date",
        th.DateType(nullable=False),
        required=True,
        description="UTC day of extraction: these figures are all-time totals as of that day.",
    ),
)

MEDIA_STATS = th.PropertiesList(
    *_SNAPSHOT_KEYS,
    th.Property("load_count", th.IntegerType),
    th.Property("play_count", th.IntegerType),
    th.Property("play_rate", th.NumberType),
    th.Property("hours_watched", th.NumberType),
    th.Property("engagement", th.NumberType),
    th.Property("visitors", th.IntegerType),
    th.Property(
        "actions",
        th.ArrayType(
            th.ObjectType(
                th.Property("type", th.StringType),
                th.Property("action_count", th.IntegerType),
                th.Property("impression_count", th.IntegerType),
                th.Property("rate", th.NumberType),
            )
        ),
    ),
).to_dict()

MEDIA_ENGAGEMENT = th.PropertiesList(
    *_SNAPSHOT_KEYS,
    th.Property(
        "duration",
        th.NumberType,
        description="The media's duration in seconds, to turn cells into seconds.",
    ),
    th.Property("engagement", th.NumberType),
    th.Property("engagement_data", th.ArrayType(th.IntegerType)),
    th.Property("rewatch_data", th.ArrayType(th.IntegerType)),
).to_dict()

MEDIA_DAILY_STATS = th.PropertiesList(
    key_property("media_id"),
    th.Property("date", th.DateType(nullable=False), required=True),
    th.Property("load_count", th.IntegerType),
    th.Property("play_count", th.IntegerType),
    th.Property("hours_watched", th.NumberType),
).to_dict()

VISITOR = th.PropertiesList(
    key_property("visitor_key"),
    th.Property("created_at", th.DateTimeType),
    th.Property("last_active_at", th.DateTimeType),
    th.Property("last_event_key", th.StringType),
    th.Property("identifying_event_key", th.StringType),
    th.Property("load_count", th.IntegerType),
    th.Property("play_count", th.IntegerType),
    th.Property(
        "visitor_identity",
        th.ObjectType(
            th.Property("name", th.StringType),
            th.Property("email", th.StringType),
            th.Property(
                "org",
                th.ObjectType(
                    th.Property("name", th.StringType),
                    th.Property("title", th.StringType),
                ),
            ),
        ),
    ),
    th.Property("user_agent_details", USER_AGENT_DETAILS),
).to_dict()

EVENT = th.PropertiesList(
    key_property("event_key"),
    th.Property("received_at", th.DateTimeType(nullable=False), required=True),
    th.Property("visitor_key", th.StringType),
    th.Property("media_id", th.StringType, description="The media's hashed id."),
    th.Property("media_name", th.StringType),
    th.Property("media_url", th.StringType),
    th.Property("embed_url", th.StringType),
    th.Property("percent_viewed", th.NumberType, description="Fraction 0..1, not a percentage."),
    th.Property("ip", th.StringType),
    th.Property("org", th.StringType, description="Owner of the IP address."),
    th.Property("country", th.StringType),
    th.Property("region", th.StringType),
    th.Property("city", th.StringType),
    th.Property("lat", th.NumberType),
    th.Property("lon", th.NumberType),
    th.Property("email", th.StringType),
    th.Property("iframe_heatmap_url", th.StringType),
    th.Property("thumbnail", ASSET),
    th.Property(
        "conversion_type",
        th.StringType,
        description="The API sends an integer or a string; always emitted as a string.",
    ),
    th.Property(
        "conversion_data",
        th.ObjectType(
            th.Property("email", th.StringType),
            th.Property("first_name", th.StringType),
            th.Property("last_name", th.StringType),
            th.Property("is_new_lead", th.BooleanType),
        ),
    ),
    th.Property("user_agent_details", USER_AGENT_DETAILS),
).to_dict()
