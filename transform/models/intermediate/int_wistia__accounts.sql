{#-
  One row per Wistia account in the warehouse: its id and its name. The name comes from the
  `account` stream (the catalog's one row per account) through stg_wistia__account, the
  latest loaded copy (a renamed account shows its current name); without that stream the
  staging model is empty (wistia_optional_source) and every mart's account_name is NULL.
  Accounts are those with medias, events or visitors.
-#}
{{ config(materialized='table') }}
with ids as (
    select account_id from {{ ref('stg_wistia__medias') }}
    union
    select account_id from {{ ref('stg_wistia__events') }}
    union
    select account_id from {{ ref('stg_wistia__visitors') }}
)

select ids.account_id, a.account_name
from ids
left join {{ ref('stg_wistia__account') }} as a
    on ids.account_id = a.account_id
