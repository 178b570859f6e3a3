{#-
  The last step of every deduplicating staging model: from `relation` (the model's typed CTE),
  the rows whose `required` columns are all non-NULL, and of those one per `partition_by`
  key: the first in `order_by`. Append-only loaders (target-csv, or any loader after the tap
  re-reads the bookmark's day) hold several copies of a record; this keeps the latest.

  Every rule stays at the call site: which key, which copy wins (`order_by`, e.g.
  ['loaded_at desc nulls last'], with a tie-breaker where one exists) and which columns may
  not be NULL (`required`; rows without them are dropped, not kept as a NULL key). The
  result has exactly the relation's columns, in its order, without listing them again.

  It returns one SELECT statement, so a model can end with it, or name it as a CTE when
  something happens after deduplication (a filter on the latest copy, a hash of a key).

  SQL per warehouse (same rows: the first row of each partition in the same order):
    * default (DuckDB, Snowflake): `qualify row_number() over (...) = 1`;
    * PostgreSQL, which has no QUALIFY: `distinct on (key) ... order by key, order_by`.
  Both treat NULLs in the key as one group, as `partition by` does.
-#}
{% macro wistia_latest_copy(relation, partition_by, order_by, required) -%}
  {%- if not required -%}
    {#- A NULL key would make one group of every keyless row: say which columns define a row. -#}
    {{ exceptions.raise_compiler_error(
        "wistia_latest_copy in " ~ this.identifier ~ ": name the columns that may not be NULL"
        ~ " (required=[...])") }}
  {%- endif -%}
  {{ return(adapter.dispatch('wistia_latest_copy')(relation, partition_by, order_by, required)) }}
{%- endmacro %}

{% macro default__wistia_latest_copy(relation, partition_by, order_by, required) -%}
select *
from {{ relation }}
where {{ wistia_not_null(required) }}
qualify row_number() over (
    partition by {{ partition_by | join(', ') }}
    order by {{ order_by | join(', ') }}
) = 1
{%- endmacro %}

{% macro postgres__wistia_latest_copy(relation, partition_by, order_by, required) -%}
select distinct on ({{ partition_by | join(', ') }}) *
from {{ relation }}
where {{ wistia_not_null(required) }}
order by {{ (partition_by + order_by) | join(', ') }}
{%- endmacro %}

{#- `a is not null and b is not null ...` for the columns of `names`. -#}
{% macro wistia_not_null(names) -%}
  {%- for name in names -%}
    {{ name }} is not null{{ " and " if not loop.last }}
  {%- endfor -%}
{%- endmacro %}
