{#-
  `source('wistia', name)` for a raw table that may not exist: the analytics streams, which
  a run may not extract (only the v1 streams selected) or may skip (the account's plan or
  token cannot read analytics: the tap logs one warning and goes on).

  Loaders do create an empty table from a stream's SCHEMA message alone (target-duckdb,
  target-postgres 0.8.1 and target-csv 0.5.0, checked against the sandbox answering 403 to
  every analytics call), and the tap sends that message for a skipped stream. So the table is
  missing when the stream was never selected, or on a warehouse whose loader creates tables
  only with the first row.

  When the table exists, this is exactly `source()`. When it does not, the model reads a
  zero-row relation with the raw columns declared for the table in models/sources.yml (as
  text, like target-csv's all-text sources: staging casts every column anyway), so the
  staging model and the marts above it build with 0 rows and their tests pass. Calling
  `source()` first keeps the dependency in dbt's graph (lineage, `--select source:...+`).
  The existence check is `adapter.get_relation`, which each adapter implements for its own
  catalog (Snowflake matches unquoted names upper-case), so it needs no dispatch here.
-#}
{% macro wistia_optional_source(table_name) %}
  {%- set declared = source('wistia', table_name) -%}
  {#- Parsing, or compiling without a connection (--no-introspect): assume it exists. -#}
  {%- if not execute or not flags.INTROSPECT -%}
    {{ return(declared) }}
  {%- endif -%}
  {%- set found = adapter.get_relation(
        database=declared.database, schema=declared.schema, identifier=declared.identifier) -%}
  {%- if found is not none -%}
    {{ return(declared) }}
  {%- endif -%}
  {%- set columns = [] -%}
  {%- for node in graph.sources.values()
        if node.source_name == 'wistia' and node.name == table_name -%}
    {%- for column in node.columns.values() -%}
      {%- do columns.append(column.name) -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- if not columns -%}
    {{ exceptions.raise_compiler_error(
        "wistia_optional_source: declare the columns of source wistia." ~ table_name
        ~ " in models/sources.yml (the ones " ~ this.identifier ~ " reads)") }}
  {%- endif -%}
  {{ log("Source " ~ declared ~ " does not exist (stream not selected, or the account cannot"
      ~ " read analytics): " ~ this.identifier ~ " and the marts on it build with 0 rows; no"
      ~ " other model reads it.", info=true) }}
  {%- set stand_in -%}
    (select
    {%- for name in columns %}
        cast(null as {{ dbt.type_string() }}) as {{ wistia_col(name) }}{{ "," if not loop.last }}
    {%- endfor %}
    where false) as {{ adapter.quote('absent_' ~ table_name) }}
  {%- endset -%}
  {{ return(stand_in) }}
{% endmacro %}
