"""Per media: the retention curve, rewatches and drop-off hot spots; the media table."""

import streamlit as st

from app import charts, exports, queries, ui

selection = ui.start_page()
st.title("Medias")

rows = queries.media_table(selection.media_ids)
if not rows:
    ui.empty_state("No media matches the filters.", "Clear the project or media filter.")
    st.stop()

names = {row["media_id"]: f"{row['media_name']} ({row['media_id']})" for row in rows}
media_id = selection.media_id or st.selectbox(
    "Media", list(names), format_func=names.get, key="curve_media"
)
curve = queries.engagement_curve(media_id)
st.subheader(f"Engagement: {names[media_id]}")
if not curve:
    ui.empty_state(
        "No engagement data for this media: it has no plays yet, or Wistia has not built "
        "its engagement graph since (the next sync brings it in).",
        "Pick a media with plays "
        + ("in the sidebar." if selection.media_id else "in the Media list above.")
        + " The table below shows each media's plays.",
    )
else:
    left, right = st.columns([3, 1])
    left.altair_chart(charts.retention_chart(curve), width="stretch")
    right.metric("Engagement", ui.percent(curve[0]["media_engagement"]), border=True)
    hot_spots = queries.drop_off_hot_spots(media_id)
    right.markdown("**Biggest drop-offs**" if hot_spots else "**Biggest drop-offs:** none")
    for chunk in hot_spots:
        right.markdown(f"- {ui.chunk_range(chunk)}: {chunk['drop_off_pct']:.1f} points lost")
    most = queries.most_rewatched_chunk(media_id)
    right.markdown(
        f"**Most rewatched:** {ui.chunk_range(most)} "
        f"({most['rewatch_ratio']:.2f} rewatches per viewer)"
        if most
        else "**Most rewatched:** no part rewatched yet"
    )
    st.caption(f"Snapshot of {curve[0]['snapshot_date']}, cut into {len(curve)} chunks.")

st.subheader("All medias")
st.caption("Lifetime figures from Wistia; tiers rank each media within the account.")
columns = {
    "media_name": "Media",
    "project_name": "Project",
    "plays": "Plays",
    "loads": "Loads",
    "play_rate": "Play rate",
    "hours_watched": "Hours watched",
    "unique_visitors": "Unique visitors",
    "avg_percent_viewed": "Avg. % viewed",
    "reached_75": "Reached 75 %",
    "play_count_tier": "Plays tier",
    "play_rate_tier": "Play rate tier",
    "hours_watched_tier": "Hours tier",
    "media_id": "Media id",
}
ui.table(
    rows,
    columns,
    fractions=("Play rate", "Avg. % viewed"),
    column_config={"Hours watched": st.column_config.NumberColumn(format="%.1f")},
)
ui.csv_download(
    "Download the media table (CSV)",
    rows,
    exports.file_name("media-overview", scope=selection.project or "all-projects"),
    key="download_medias",
)

st.subheader("Content inventory")
st.caption(
    "Where each media is filed and published, its caption languages and localizations, "
    "and its lifetime plays: find the videos without captions or never played."
)
filters = st.columns(2)
without_captions = filters[0].toggle("Without captions", key="inventory_no_captions")
never_played = filters[1].toggle("Never played", key="inventory_never_played")
inventory = queries.content_inventory(
    selection.media_ids, without_captions=without_captions, never_played=never_played
)
if inventory is None:
    ui.empty_state(
        "The warehouse has no content inventory yet.",
        "Run `bash scripts/sync.sh` once: the dbt build adds content_inventory.",
    )
    st.stop()
st.metric("Medias listed", f"{len(inventory):,}", border=True)
ui.table(
    inventory,
    {
        "media_name": "Media",
        "folder_path": "Folder",
        "tags": "Tags",
        "channels": "Channels",
        "episode_count": "Episodes",
        "caption_languages": "Captions",
        "localization_languages": "Localizations",
        "plays": "Plays",
        "last_view_at": "Last view (UTC)",
        "media_type": "Type",
        "media_id": "Media id",
    },
)
ui.csv_download(
    "Download the content inventory (CSV)",
    inventory,
    exports.file_name("content-inventory", scope=selection.project or "all-projects"),
    key="download_inventory",
)
