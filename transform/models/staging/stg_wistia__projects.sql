with source as (
    select * from {{ source('wistia', 'projects') }}
),

typed as (
    select
        cast({{ wistia_col('id') }} as {{ dbt.type_bigint() }}) as project_id,
        {{ wistia_text('hashedId') }} as project_hashed_id,
        {{ wistia_text('name') }} as project_name,
        {{ wistia_text('description') }} as description,
        cast({{ wistia_col('mediaCount') }} as {{ dbt.type_bigint() }}) as media_count,
        cast({{ wistia_col('created') }} as {{ dbt.type_timestamp() }}) as created_at,
        cast({{ wistia_col('updated') }} as {{ dbt.type_timestamp() }}) as updated_at,
        cast({{ wistia_col('public') }} as {{ dbt.type_boolean() }}) as is_public,
        {{ wistia_text('publicId') }} as public_id,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
),

ranked as (
    select
        typed.*,
        row_number() over (
            partition by project_id
            order by loaded_at desc nulls last, updated_at desc nulls last
        ) as copy_rank
    from typed
    where project_id is not null
)

select
    project_id,
    project_hashed_id,
    project_name,
    description,
    media_count,
    created_at,
    updated_at,
    is_public,
    public_id,
    loaded_at
from ranked
where copy_rank = 1
