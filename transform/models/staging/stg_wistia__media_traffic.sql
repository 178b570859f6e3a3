-- Loads, plays and engagement per media, traffic dimension, value and account-local month;
-- the latest copy (each run re-reads the bookmark's month). Visits without a value for the
-- dimension (untagged, direct) arrive as '(none)' (the tap's stand-in for an empty key).
with source as (
    select * from {{ wistia_optional_source('media_traffic') }}
),

typed as (
    select
        {{ wistia_text('media_id') }} as media_id,
        {{ wistia_text('dimension') }} as dimension,
        coalesce({{ wistia_text('value') }}, '(none)') as dimension_value,
        {{ wistia_text('period') }} as period_month,
        cast({{ wistia_col('period_start') }} as date) as period_start,
        cast({{ wistia_col('period_end') }} as date) as period_end,
        cast({{ wistia_col('loads') }} as {{ dbt.type_bigint() }}) as loads,
        cast({{ wistia_col('plays') }} as {{ dbt.type_bigint() }}) as plays,
        cast({{ wistia_col('engagement_rate') }} as {{ wistia_type_double() }}) as engagement_rate,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
),

ranked as (
    select
        typed.*,
        row_number() over (
            partition by media_id, dimension, dimension_value, period_month
            order by loaded_at desc nulls last
        ) as copy_rank
    from typed
    where media_id is not null and dimension is not null and period_month is not null
)

select
    media_id,
    dimension,
    dimension_value,
    period_month,
    period_start,
    period_end,
    loads,
    plays,
    engagement_rate,
    loaded_at
from ranked
where copy_rank = 1
