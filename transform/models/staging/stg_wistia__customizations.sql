-- The player settings set on each media (latest copy): the common flat settings as typed
-- columns, the plugins and private settings as the JSON the tap keeps them in.
with source as (
    select * from {{ source('wistia', 'customizations') }}
),

typed as (
    select
        {{ wistia_account_columns('customizations') }}
        {{ wistia_text('media_id') }} as media_id,
        {{ wistia_text('playerColor') }} as player_color,
        cast({{ wistia_text('autoPlay') }} as {{ dbt.type_boolean() }}) as is_autoplay,
        cast({{ wistia_text('muted') }} as {{ dbt.type_boolean() }}) as is_muted,
        cast({{ wistia_text('controlsVisibleOnLoad') }} as {{ dbt.type_boolean() }})
            as controls_visible_on_load,
        {{ wistia_text('endVideoBehavior') }} as end_video_behavior,
        cast({{ wistia_text('playbar') }} as {{ dbt.type_boolean() }}) as shows_playbar,
        cast({{ wistia_text('fullscreenButton') }} as {{ dbt.type_boolean() }})
            as shows_fullscreen_button,
        cast({{ wistia_text('seo') }} as {{ dbt.type_boolean() }}) as is_seo_enabled,
        cast({{ wistia_text('doNotTrack') }} as {{ dbt.type_boolean() }}) as is_do_not_track,
        {{ wistia_text('plugin') }} as plugin_settings_json,
        {{ wistia_text('private') }} as private_settings_json,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'media_id'],
    order_by=['loaded_at desc nulls last'],
    required=['media_id']
) }}
