"""A tag and a webinar deleted in Wistia between two runs, into DuckDB: staging marks them
with the time first seen missing, `content_inventory` leaves the tag out of its medias'
tags and `webinar_attendance` leaves the webinar out (docs/deletions.md)."""

from __future__ import annotations

import datetime as dt

import duckdb


def test_deleted_tag_and_webinar_are_marked_and_left_out_of_the_marts(pipeline_env):
    dataset = pipeline_env.wistia.dataset

    def fetch(sql: str) -> list[tuple]:
        with duckdb.connect(str(pipeline_env.duckdb_path), read_only=True) as conn:
            return conn.execute(sql).fetchall()

    build = ("run", "tap-wistia", "target-duckdb", "dbt-duckdb:build")
    pipeline_env.run(*build)
    (webinar,) = fetch("select min(webinar_id) from analytics.webinar_attendance")[0]
    tag = next(t["name"] for m in dataset.medias for t in m.get("tags") or ())
    tagged = fetch(
        "select media_id from analytics.content_inventory "
        f"where list_contains(string_split(tags, '; '), '{tag}')"
    )
    assert tagged and fetch("select count(*) from analytics.stg_wistia__tags where is_deleted") == [
        (0,)
    ]

    dataset.webinars.webinars.remove(dataset.webinars.find(webinar))
    for media in dataset.medias:  # a tag is gone once no media carries it
        media["tags"] = [t for t in media.get("tags") or () if t["name"] != tag]
    dataset.changed()
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    pipeline_env.run(*build)
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    marked = fetch(
        "select webinar_id, title, deleted_at from analytics.stg_wistia__webinars where is_deleted"
    )
    assert [(w, t is not None) for w, t, _ in marked] == [(webinar, True)]  # keeps its title
    assert before <= marked[0][2] <= after  # first seen missing
    assert fetch("select tag_name from analytics.stg_wistia__tags where is_deleted") == [(tag,)]
    assert fetch(
        f"select count(*) from analytics.webinar_attendance where webinar_id = '{webinar}'"
    ) == [(0,)]
    assert fetch("select count(*) from analytics.webinar_attendance") != [(0,)]
    # The medias' copies still list the tag (they were not updated): the mart drops it.
    assert fetch(
        "select count(*) from analytics.content_inventory "
        f"where list_contains(string_split(tags, '; '), '{tag}')"
    ) == [(0,)]
    assert {r[0] for r in tagged} <= {
        r[0] for r in fetch("select media_id from analytics.content_inventory")
    }
