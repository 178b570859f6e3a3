"""End-to-end tests of the Meltano project: tap -> CSV / DuckDB / PostgreSQL -> dbt."""
