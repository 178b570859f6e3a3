"""The streams, grouped by the entity they hang off, and the order a run syncs them in.

- `base`: the declaration every stream makes (`WistiaStream`) and the shared bases;
- `account`: account-wide listings (projects, visitors);
- `medias`: the medias listing and the v1 stats read once per media;
- `events`: viewing sessions in UTC day windows; `open_day`: today's read proven complete;
- `analytics_base`, `analytics`: the modern API's per-media analytics;
- `catalog`: the modern API's content catalog (account, folders, tags, channels, ...);
- `webinars`: the modern API's webinars and their per-webinar figures;
- `optional_family`: families of streams a plan may lack, skipped with one warning or fatal;
- `schemas_v1`, `schemas_analytics`, `schemas_catalog`, `schemas_webinars`: their schemas,
  written field for field after the OpenAPI files and checked against them by
  `tests/test_schemas.py`;
- `registry`: `STREAM_TYPES`, every declared stream in the order a run syncs them.

This `__init__` imports nothing: a stream module importing a sibling never runs the
registry, which imports every stream module (no import circle through the package).
"""
