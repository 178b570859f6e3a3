-- Account-wide loads, plays, unique visitors and watch hours per time bucket (visitors are
-- counted once per bucket across medias, so this is not the sum of play_trends).
with
{{ wistia_play_trends("cast('account' as " ~ dbt.type_string() ~ ")") }}

select
    account_id,
    {{ wistia_account_name('trends.account_id') }} as account_name,
    resolution,
    bucket_start,
    loads,
    plays,
    unique_visitors,
    watch_hours
from trends
