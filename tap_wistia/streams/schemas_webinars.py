"""Schemas of the webinar streams, field for field from the 2026-03 OpenAPI document
(`/webinars` and `/analytics/webinars/{webinarId}/...`).

As elsewhere every spec field is nullable (the live API sends null where the spec promises
a value) except the keys. The spec gives a webinar its `id` (hashed); its analytics answers
carry no identifier, so the per-webinar streams add `webinar_id`, and:

- audience rows are keyed by the registrant's `email` (a registration needs one; the
  stream writes `(none)` where it is missing, as `media_conversions` does);
- registration buckets by their `timestamp`;
- traffic rows by `dimension` (the `group_by` asked) and its `value` (like `media_traffic`).

`tests/test_schemas.py` walks the 2026-03 document and fails if a field is missing.
"""

from __future__ import annotations

from singer_sdk import typing as th

from tap_wistia.streams.schemas_v1 import DELETED_AT, key_property

WEBINAR = th.PropertiesList(
    key_property("id"),
    th.Property("title", th.StringType),
    th.Property("description", th.StringType),
    th.Property("scheduled_for", th.DateTimeType, description="Scheduled start, in UTC."),
    th.Property("event_duration", th.IntegerType, description="Duration in minutes."),
    th.Property(
        "lifecycle_status", th.StringType, description="e.g. scheduled, live, ended (as sent)."
    ),
    th.Property("registration_status", th.StringType),
    th.Property("created_at", th.DateTimeType),
    th.Property("updated_at", th.DateTimeType),
    th.Property("audience_link", th.StringType),
    th.Property("host_link", th.StringType),
    th.Property("panelist_link", th.StringType),
    DELETED_AT,
).to_dict()

_POLL_OPTION = th.ObjectType(
    th.Property("id", th.IntegerType),
    th.Property("text", th.StringType),
    th.Property("count", th.IntegerType),
    th.Property("percent", th.NumberType),
)
_POLL_QUESTION = th.ObjectType(
    th.Property("id", th.IntegerType),
    th.Property("poll_id", th.IntegerType),
    th.Property("text", th.StringType),
    th.Property("response_count", th.IntegerType),
    th.Property("options", th.ArrayType(_POLL_OPTION)),
)

WEBINAR_ANALYTICS = th.PropertiesList(
    key_property("webinar_id"),
    th.Property("registrations", th.IntegerType),
    th.Property("imported_registrations", th.IntegerType),
    th.Property("on_demand_registrations", th.IntegerType),
    th.Property("imported_on_demand_registrations", th.IntegerType),
    th.Property("total_watch_time", th.IntegerType, description="Seconds watched, all attendees."),
    th.Property("average_watch_time", th.IntegerType, description="Seconds per attendee."),
    th.Property("attendance", th.IntegerType, description="Registrants who attended live."),
    th.Property("chatted_attendees", th.IntegerType),
    th.Property("engagement_rate", th.NumberType),
    th.Property("chats", th.IntegerType),
    th.Property("currently_watching", th.IntegerType),
    th.Property("engaged_attendees", th.IntegerType),
    th.Property("impressions", th.IntegerType),
    th.Property("on_demand_impressions", th.IntegerType),
    th.Property("on_demand_plays", th.IntegerType),
    th.Property("on_demand_engagement_rate", th.NumberType),
    th.Property("event_time", th.IntegerType),
    th.Property("qa_questions", th.IntegerType),
    th.Property("poll_questions", th.ArrayType(_POLL_QUESTION), description="Kept as JSON."),
).to_dict()

_CHAT_BUCKET = th.ObjectType(
    th.Property("rounded_player_position", th.IntegerType),
    th.Property("chats", th.ArrayType(th.StringType)),
)

WEBINAR_AUDIENCE = th.PropertiesList(
    key_property("webinar_id"),
    key_property("email"),
    th.Property("first_name", th.StringType),
    th.Property("last_name", th.StringType),
    th.Property("phone_number", th.StringType),
    th.Property("company", th.StringType),
    th.Property("job_title", th.StringType),
    th.Property("country", th.StringType),
    th.Property("registered_at", th.DateTimeType),
    th.Property("attended_at", th.DateTimeType),
    th.Property("attendance_status", th.StringType),
    th.Property("restriction_status", th.StringType),
    th.Property("origin_method", th.StringType),
    th.Property("utm_campaign", th.StringType),
    th.Property("utm_source", th.StringType),
    th.Property("utm_medium", th.StringType),
    th.Property("referrer_domain", th.StringType),
    th.Property("ip_country", th.StringType),
    th.Property("ip_city", th.StringType),
    th.Property("engagement_rate", th.NumberType),
    th.Property("focused_rate", th.NumberType),
    th.Property("played_time", th.IntegerType, description="Seconds watched."),
    th.Property("focused_played_time", th.IntegerType),
    th.Property("chat_count", th.IntegerType),
    th.Property("annotation_click_count", th.IntegerType),
    th.Property("poll_responses_count", th.IntegerType),
    th.Property("attendee_histogram", th.ArrayType(th.IntegerType)),
    th.Property("focused_attendee_histogram", th.ArrayType(th.IntegerType)),
    th.Property("chats", th.ArrayType(_CHAT_BUCKET), description="Kept as JSON."),
).to_dict()

WEBINAR_REGISTRATIONS = th.PropertiesList(
    key_property("webinar_id"),
    th.Property(
        "timestamp",
        th.DateTimeType(nullable=False),
        required=True,
        description="The daily bucket's start, in UTC.",
    ),
    th.Property("registrations", th.IntegerType),
    th.Property("impressions", th.IntegerType),
    th.Property("on_demand_registrations", th.IntegerType),
    th.Property("on_demand_impressions", th.IntegerType),
    th.Property("completion_rate", th.NumberType),
    th.Property("on_demand_completion_rate", th.NumberType),
).to_dict()

WEBINAR_TRAFFIC = th.PropertiesList(
    key_property("webinar_id"),
    key_property("dimension"),
    th.Property(
        "value",
        th.StringType(nullable=False),
        required=True,
        description="The dimension's value; (none) for registrants without it.",
    ),
    th.Property("utm_campaign", th.StringType),
    th.Property("utm_source", th.StringType),
    th.Property("utm_medium", th.StringType),
    th.Property("referrer_domain", th.StringType),
    th.Property("registrations", th.IntegerType),
    th.Property("attendees", th.IntegerType),
    th.Property("impressions", th.IntegerType),
).to_dict()

WEBINAR_HISTOGRAMS = th.PropertiesList(
    key_property("webinar_id"),
    th.Property("attendees_histogram", th.ArrayType(th.NumberType)),
    th.Property("chat_histogram", th.ArrayType(th.NumberType)),
    th.Property("visual_focus_played_histogram", th.ArrayType(th.NumberType)),
).to_dict()
