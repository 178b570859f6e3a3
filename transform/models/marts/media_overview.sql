{#-
  One row per media: Wistia's lifetime figures (latest media_stats snapshot), what the
  viewing sessions say (unique visitors, average percent viewed, milestones, first/last view;
  narrowed by var('views_filter')), and a tier for plays, play rate and hours watched.

  Current figures: medias deleted in Wistia (stg_wistia__medias.is_deleted) are left out,
  so the inventory and the tiers rank the live medias only; their history stays in the
  daily, trend and export marts (docs/deletions.md).

  Everything is per account (account_id first in every key): tiers rank the medias of each
  account with percent_rank() (0 = lowest, 1 = highest; ties
  share a rank; a missing play rate counts as 0):
    top        percent_rank >= var('tier_top_percentile')        (default 0.8: the top 20 %)
    long tail  percent_rank <  var('tier_long_tail_percentile')  (default 0.5: the lower half)
    middle     everything in between
-#}
{%- set top = var('tier_top_percentile', 0.8) -%}
{%- set long_tail = var('tier_long_tail_percentile', 0.5) -%}
with medias as (
    select account_id, media_id, media_name, project_name
    from {{ ref('stg_wistia__medias') }}
    where not is_deleted
),

latest_stats as (
    select account_id, media_id, load_count, play_count, hours_watched, engagement
    from (
        select
            s.*,
            row_number() over (partition by account_id, media_id order by snapshot_date desc) as snapshot_rank
        from {{ ref('stg_wistia__media_stats') }} as s
    ) as ranked
    where snapshot_rank = 1
),

viewer_best as (
    -- each visitor's furthest point in each media, for the milestones
    select account_id, media_id, visitor_key, max(percent_viewed) as max_percent_viewed
    from {{ ref('int_wistia__views') }}
    where media_id is not null and visitor_key is not null
    group by account_id, media_id, visitor_key
),

milestones as (
    select
        account_id,
        media_id,
        sum(case when max_percent_viewed >= 0.25 then 1 else 0 end) as reached_25,
        sum(case when max_percent_viewed >= 0.50 then 1 else 0 end) as reached_50,
        sum(case when max_percent_viewed >= 0.75 then 1 else 0 end) as reached_75,
        sum(case when max_percent_viewed >= 1.0 then 1 else 0 end) as reached_100
    from viewer_best
    group by account_id, media_id
),

sessions as (
    select
        account_id,
        media_id,
        count(distinct visitor_key) as unique_visitors,
        avg(percent_viewed) as avg_percent_viewed,
        min(received_at) as first_view_at,
        max(received_at) as last_view_at
    from {{ ref('int_wistia__views') }}
    where media_id is not null
    group by account_id, media_id
),

figures as (
    select
        m.account_id,
        m.media_id,
        m.media_name,
        m.project_name,
        coalesce(st.load_count, 0) as loads,
        coalesce(st.play_count, 0) as plays,
        case
            when st.load_count > 0
            then cast(st.play_count as {{ wistia_type_double() }}) / st.load_count
        end as play_rate,
        coalesce(st.hours_watched, 0) as hours_watched,
        coalesce(se.unique_visitors, 0) as unique_visitors,
        se.avg_percent_viewed,
        coalesce(mi.reached_25, 0) as reached_25,
        coalesce(mi.reached_50, 0) as reached_50,
        coalesce(mi.reached_75, 0) as reached_75,
        coalesce(mi.reached_100, 0) as reached_100,
        st.engagement,
        se.first_view_at,
        se.last_view_at
    from medias as m
    left join latest_stats as st on {{ wistia_join_on('m', 'st', ['media_id']) }}
    left join sessions as se on {{ wistia_join_on('m', 'se', ['media_id']) }}
    left join milestones as mi on {{ wistia_join_on('m', 'mi', ['media_id']) }}
),

ranked as (
    select
        f.*,
        percent_rank() over (partition by f.account_id order by f.plays) as play_count_rank,
        percent_rank() over (partition by f.account_id order by coalesce(f.play_rate, 0)) as play_rate_rank,
        percent_rank() over (partition by f.account_id order by f.hours_watched) as hours_watched_rank
    from figures as f
)

select
    account_id,
    {{ wistia_account_name('ranked.account_id') }} as account_name,
    media_id,
    media_name,
    project_name,
    loads,
    plays,
    play_rate,
    hours_watched,
    unique_visitors,
    avg_percent_viewed,
    reached_25,
    reached_50,
    reached_75,
    reached_100,
    engagement,
    first_view_at,
    last_view_at,
    {%- for metric in ['play_count', 'play_rate', 'hours_watched'] %}
    case
        when {{ metric }}_rank >= {{ top }} then 'top'
        when {{ metric }}_rank < {{ long_tail }} then 'long tail'
        else 'middle'
    end as {{ metric }}_tier,
    {%- endfor %}
    play_count_rank,
    play_rate_rank,
    hours_watched_rank
from ranked
