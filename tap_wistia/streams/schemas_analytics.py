"""Schemas of the analytics streams, field for field from the 2026-03 OpenAPI document.

Like `schemas_v1`, every spec field is nullable here (the live API sends null where the spec
promises a value), and the stream's key fields are added: the media, plus the bucket date,
the traffic dimension and period, or the snapshot date. `tests/test_schemas.py` walks the
2026-03 document and fails if a field of a response definition is missing.
"""

from __future__ import annotations

from singer_sdk import typing as th

from tap_wistia.streams.schemas_v1 import key_property

_SNAPSHOT_KEYS = (
    key_property("media_id"),
    th.Property(
        "snapshot_date",
        th.DateType(nullable=False),
        required=True,
        description="UTC day of extraction: the figures cover start_date (or two years "
        "back) up to that day.",
    ),
)

# The metrics of `/analytics/medias/{id}` and of each timeseries bucket.
METRICS = (
    th.Property("unique_loads", th.IntegerType),
    th.Property("unique_plays", th.IntegerType),
    th.Property("plays", th.IntegerType),
    th.Property("play_rate", th.NumberType, description="Unique plays / unique loads (0..1)."),
    th.Property("played_time", th.IntegerType, description="Seconds watched."),
    th.Property("unique_visitors", th.IntegerType),
    th.Property("engagement_rate", th.NumberType, description="Average fraction watched (0..1)."),
    th.Property("cta_impressions", th.IntegerType),
    th.Property("cta_conversions", th.IntegerType),
    th.Property("cta_conversion_rate", th.NumberType),
    th.Property("form_conversions", th.IntegerType),
)

MEDIA_ANALYTICS_DAILY = th.PropertiesList(
    key_property("media_id"),
    th.Property(
        "date",
        th.DateType(nullable=False),
        required=True,
        description="The bucket's day in the account's timezone (the day Wistia reports).",
    ),
    th.Property(
        "timestamp",
        th.DateTimeType,
        description="The bucket's start (the account-local midnight of `date`), in UTC.",
    ),
    *METRICS,
).to_dict()

MEDIA_TRAFFIC = th.PropertiesList(
    key_property("media_id"),
    key_property("dimension"),
    th.Property(
        "value",
        th.StringType(nullable=False),
        required=True,
        description="The dimension's value; (none) groups visits without one (untagged, direct).",
    ),
    th.Property(
        "period",
        th.StringType(nullable=False),
        required=True,
        description="The account-local calendar month the figures cover, YYYY-MM.",
    ),
    th.Property("period_start", th.DateType, description="First day read (inclusive)."),
    th.Property("period_end", th.DateType, description="Day after the last day read."),
    # The API answers the grouped field under its own name; `value` copies it for the key.
    th.Property("utm_campaign", th.StringType),
    th.Property("utm_source", th.StringType),
    th.Property("utm_medium", th.StringType),
    th.Property("referrer_domain", th.StringType),
    th.Property("viewer_screen_size", th.StringType),
    th.Property("loads", th.IntegerType),
    th.Property("plays", th.IntegerType),
    th.Property("engagement_rate", th.NumberType),
).to_dict()

MEDIA_CONVERSIONS = th.PropertiesList(
    key_property("media_id"),
    th.Property(
        "email",
        th.StringType(nullable=False),
        required=True,
        description="The submitter's email; (none) when the form did not collect one.",
    ),
    th.Property("converted_at", th.DateTimeType(nullable=False), required=True),
    th.Property("first_name", th.StringType),
    th.Property("last_name", th.StringType),
).to_dict()

MEDIA_EMBED_LOCATIONS = th.PropertiesList(
    *_SNAPSHOT_KEYS,
    key_property("embed_url"),
    th.Property("embed_domain", th.StringType),
    th.Property("embed_path", th.StringType),
    th.Property("page_title", th.StringType),
    th.Property("loads", th.IntegerType),
    th.Property("plays", th.IntegerType),
    th.Property("play_rate", th.NumberType),
    th.Property("played_time", th.NumberType, description="Seconds watched."),
    th.Property("engagement_rate", th.NumberType),
    th.Property("unique_visitors", th.IntegerType),
    th.Property("cta_conversion_rate", th.NumberType),
).to_dict()

MEDIA_LANGUAGES = th.PropertiesList(
    *_SNAPSHOT_KEYS,
    key_property("language"),
    th.Property("plays", th.IntegerType),
    th.Property("percent_of_total_plays", th.NumberType, description="Fraction 0..1."),
    th.Property("captions_support", th.BooleanType),
).to_dict()
