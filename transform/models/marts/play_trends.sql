-- Loads, plays, unique visitors and watch hours per media per time bucket, at four
-- resolutions, in the reporting time zone (see macros/wistia_play_trends.sql).
with
{{ wistia_play_trends('v.media_id') }}

select
    account_id,
    {{ wistia_account_name('trends.account_id') }} as account_name,
    resolution,
    bucket_start,
    trend_key as media_id,
    loads,
    plays,
    unique_visitors,
    watch_hours
from trends
