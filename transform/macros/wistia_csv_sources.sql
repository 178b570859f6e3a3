{#-
  Target `from_csv` only (`meltano run tap-wistia target-csv dbt-duckdb:build-from-csv`):
  turn target-csv's files into the raw source tables the staging models read, in the
  in-memory DuckDB of that target. Every run of target-csv wrote its own file per stream
  (output/csv/<stream>/<run timestamp>.csv), so each source is the union of all of them:
  read by column name (a later run may add columns) and as text, since the staging models
  cast every column anyway and a type guessed from one file may not fit the next. Staging
  then keeps the latest copy per key (`_sdc_batched_at`), exactly as for append-only loaders.
  The folder is env WISTIA_CSV_SOURCE_DIR (Meltano: dbt-duckdb's csv_source_dir setting).
-#}
{% macro wistia_csv_source_views() %}
  {#- graph is only filled at execution time, not while dbt parses the hook. -#}
  {%- if target.name != 'from_csv' or not execute -%}
    {{ return('') }}
  {%- endif -%}
  {%- set folder = env_var('WISTIA_CSV_SOURCE_DIR', '../output/csv') | replace("'", "''") -%}
  {%- set schema = var('wistia_source_schema', env_var('DBT_SOURCE_SCHEMA', 'tap_wistia')) -%}
  {%- set statements = ['create schema if not exists "' ~ schema ~ '"'] -%}
  {%- for source in graph.sources.values() if source.source_name == 'wistia' -%}
    {%- set pattern = folder ~ '/' ~ source.name ~ '/*.csv' -%}
    {%- if run_query("select count(*) from glob('" ~ pattern ~ "')").columns[0].values()[0] == 0 -%}
      {{ log("from_csv: no target-csv files for stream " ~ source.name ~ " (" ~ pattern ~ "); the models reading it fail unless it is an analytics stream (wistia_optional_source)", info=true) }}
    {%- else -%}
      {%- do statements.append(
        'create or replace view "' ~ schema ~ '"."' ~ source.name ~ '" as select * from '
        ~ "read_csv('" ~ pattern ~ "', header = true, all_varchar = true, union_by_name = true, "
        ~ "delim = ',', quote = '\"', escape = '\"')"
      ) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(statements | join(';\n')) }}
{% endmacro %}
