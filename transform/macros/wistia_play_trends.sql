{#-
  Shared body of play_trends (per media) and play_trends_account, as CTEs ending in `trends`.
  `trend_key` is the SQL of the key the trends are per (over int_wistia__views as `v`):
  `v.media_id`, or a constant for the whole account, always within `account_id` (every
  CTE is per account first); sessions without a key or a time are
  left out. Each viewing session counts its watch hours: fraction viewed x the media's
  duration. Output: account_id, trend_key, resolution ('1h', '1d', '7d', '30d'), bucket_start (local wall clock),
  loads, plays, unique_visitors, watch_hours, with every bucket between the key's first and
  last active bucket present (zeros when idle).

  Hourly buckets are enumerated from the UTC hours of the range mapped to local time, so a
  local hour that does not exist (spring forward) never appears and the repeated hour (fall
  back) is one bucket holding both UTC hours.
-#}
{% macro wistia_play_trends(trend_key) -%}
{%- set day_buckets = {'1d': 1, '7d': 7, '30d': 30} -%}
views as (
    select
        v.account_id,
        {{ trend_key }} as trend_key,
        v.visitor_key,
        v.percent_viewed,
        v.received_at,
        {{ wistia_utc_to_local('v.received_at') }} as viewed_at_local,
        coalesce(v.percent_viewed, 0) * coalesce(m.duration_seconds, 0) / 3600.0 as watch_hours
    from {{ ref('int_wistia__views') }} as v
    left join {{ ref('stg_wistia__medias') }} as m
        on {{ wistia_join_on('v', 'm', ['media_id']) }}
    where {{ trend_key }} is not null and v.received_at is not null
),

bucketed as (
    select
        account_id, trend_key, visitor_key, percent_viewed, watch_hours,
        cast('1h' as {{ dbt.type_string() }}) as resolution,
        {{ dbt.date_trunc('hour', 'viewed_at_local') }} as bucket_start
    from views
    {%- for resolution, days in day_buckets.items() %}
    union all
    select
        account_id, trend_key, visitor_key, percent_viewed, watch_hours,
        cast('{{ resolution }}' as {{ dbt.type_string() }}) as resolution,
        {{ wistia_day_bucket('viewed_at_local', days) }} as bucket_start
    from views
    {%- endfor %}
),

activity as (
    select
        account_id, trend_key,
        resolution,
        bucket_start,
        count(*) as loads,
        sum(case when percent_viewed > 0 then 1 else 0 end) as plays,
        count(distinct visitor_key) as unique_visitors,
        sum(watch_hours) as watch_hours
    from bucketed
    group by account_id, trend_key, resolution, bucket_start
),

active_range as (
    select
        account_id, trend_key,
        resolution,
        min(bucket_start) as first_bucket,
        max(bucket_start) as last_bucket
    from activity
    group by account_id, trend_key, resolution
),

hour_range as (
    -- one UTC hour of margin each side: a local hour may start before its first UTC hour
    -- when the offset is not a whole number of hours
    select
        account_id, trend_key,
        {{ dbt.dateadd('hour', -1, dbt.date_trunc('hour', 'min(received_at)')) }} as first_utc_hour,
        cast({{ dbt.datediff(
            dbt.date_trunc('hour', 'min(received_at)'),
            dbt.date_trunc('hour', 'max(received_at)'),
            'hour') }} + 3 as integer) as hour_count
    from views
    group by account_id, trend_key
),

hour_steps as (
    {{ wistia_series_per_row('hour_range', ['account_id', 'trend_key', 'first_utc_hour'], 'hour_count') }}
),

day_range as (
    select
        account_id, trend_key,
        cast(min(viewed_at_local) as date) as first_day,
        cast({{ dbt.datediff('cast(min(viewed_at_local) as date)',
                             'cast(max(viewed_at_local) as date)', 'day') }} + 1 as integer)
            as day_count
    from views
    group by account_id, trend_key
),

day_steps as (
    {{ wistia_series_per_row('day_range', ['account_id', 'trend_key', 'first_day'], 'day_count') }}
),

local_days as (
    select
        account_id, trend_key,
        {{ dbt.dateadd('day', 'step', 'cast(first_day as ' ~ dbt.type_timestamp() ~ ')') }}
            as local_day
    from day_steps
),

candidate_buckets as (
    select
        account_id, trend_key,
        cast('1h' as {{ dbt.type_string() }}) as resolution,
        {{ dbt.date_trunc('hour', wistia_utc_to_local(dbt.dateadd('hour', 'step', 'first_utc_hour'))) }}
            as bucket_start
    from hour_steps
    {%- for resolution, days in day_buckets.items() %}
    union all
    select
        account_id, trend_key,
        cast('{{ resolution }}' as {{ dbt.type_string() }}) as resolution,
        {{ wistia_day_bucket('local_day', days) }} as bucket_start
    from local_days
    {%- endfor %}
),

spine as (
    select distinct c.account_id, c.trend_key, c.resolution, c.bucket_start
    from candidate_buckets as c
    inner join active_range as r
        on c.account_id = r.account_id
        and c.trend_key = r.trend_key
        and c.resolution = r.resolution
        and c.bucket_start between r.first_bucket and r.last_bucket
),

trends as (
    select
        s.account_id, s.trend_key,
        s.resolution,
        cast(s.bucket_start as {{ dbt.type_timestamp() }}) as bucket_start,
        coalesce(a.loads, 0) as loads,
        coalesce(a.plays, 0) as plays,
        coalesce(a.unique_visitors, 0) as unique_visitors,
        coalesce(a.watch_hours, 0) as watch_hours
    from spine as s
    left join activity as a
        on s.account_id = a.account_id
        and s.trend_key = a.trend_key
        and s.resolution = a.resolution
        and s.bucket_start = a.bucket_start
)
{%- endmacro %}
