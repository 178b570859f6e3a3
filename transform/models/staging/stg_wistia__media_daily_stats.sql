-- Loads, plays and hours watched per media per day; the latest copy of each (media, day)
-- (the bookmark's day is re-read while it is still growing). Wistia answers one row per
-- day even when nothing happened: days whose figures are all 0 are dropped here (on the
-- sandbox's two years, 20,465 of 21,930 rows), so every row is a day with activity.
with source as (
    select * from {{ source('wistia', 'media_daily_stats') }}
),

typed as (
    select
        {{ wistia_account_columns('media_daily_stats') }}
        {{ wistia_text('media_id') }} as media_id,
        cast({{ wistia_col('date') }} as date) as stats_date,
        cast({{ wistia_col('load_count') }} as {{ dbt.type_bigint() }}) as load_count,
        cast({{ wistia_col('play_count') }} as {{ dbt.type_bigint() }}) as play_count,
        cast({{ wistia_col('hours_watched') }} as {{ wistia_type_double() }}) as hours_watched,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
),

latest as (
    {{ wistia_latest_copy(
        'typed',
        partition_by=['account_id', 'media_id', 'stats_date'],
        order_by=['loaded_at desc nulls last'],
        required=['media_id', 'stats_date']
    ) }}
)

select *
from latest
where
    -- on the latest copy: a day that was active and is now all 0 is dropped too
    not (
        coalesce(load_count, 0) = 0
        and coalesce(play_count, 0) = 0
        and coalesce(hours_watched, 0) = 0
    )
