{#-
  Deletion marks (docs/deletions.md). The tap sends a media or project that Wistia no longer
  lists as a tombstone: its key and `_sdc_deleted_at` (when first seen missing), under a
  schema of those columns only. Loaders store it two ways:
    * upserting loaders (DuckDB, PostgreSQL, Snowflake) set `_sdc_deleted_at` on the one
      row of the key and keep its other columns;
    * append-only loaders (target-csv) add a row with the key and `_sdc_deleted_at` only.
  A restored record is sent again in full with `_sdc_deleted_at` NULL (a later load).

  `wistia_is_tombstone(deleted_at, always_set)`: the row is a bare tombstone (append case):
  it has a deletion time and lacks `always_set`, a column every listed record has.
  `wistia_deletion_marks(relation, partition_by)`: per key, the `deleted_at` of its latest
  loaded row (tombstone or full copy), so both cases give the same answer: deleted when
  the last thing loaded was the mark, live again once a full copy came after it.
-#}
{% macro wistia_is_tombstone(deleted_at, always_set) -%}
  ({{ deleted_at }} is not null and {{ always_set }} is null)
{%- endmacro %}

{% macro wistia_deletion_marks(relation, partition_by) -%}
  {%- set marks -%}
    (select {{ partition_by | join(', ') }}, deleted_at, loaded_at from {{ relation }})
  {%- endset -%}
  {{ wistia_latest_copy(
      marks ~ ' as loads',
      partition_by=partition_by,
      order_by=['loaded_at desc nulls last', 'deleted_at desc nulls last'],
      required=partition_by
  ) }}
{%- endmacro %}
