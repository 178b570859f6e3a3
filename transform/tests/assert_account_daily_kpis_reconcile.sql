-- Wistia's plays of a UTC day (account_daily_stats) equal the viewing sessions received that
-- day (events), on every day the loaded sessions cover (first to last day with a session):
-- both count one play per session. A day may lack the plays of a media deleted since (its
-- stats went with it when the day was read after the deletion), never more.
-- var('account_kpis_play_tolerance') (default 0) allows that many plays of difference per
-- day, for an account whose open day moved between the two reads. Fails with the days
-- that differ.
select account_id, stats_date, plays, sessions, deleted_media_sessions, plays_minus_sessions
from {{ ref('account_daily_kpis') }}
where sessions_loaded
    and (
        plays_minus_sessions > {{ var('account_kpis_play_tolerance', 0) }}
        or plays_minus_sessions
        < -deleted_media_sessions - {{ var('account_kpis_play_tolerance', 0) }}
    )
