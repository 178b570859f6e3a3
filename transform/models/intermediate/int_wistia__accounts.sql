{#-
  One row per Wistia account in the warehouse: its id and its name. Accounts are those with
  medias, events or visitors. The name is stg_wistia__account's (the `account` stream, one
  row per account); reading that model rather than the raw table keeps one reader of the
  optional source, so a run without the stream says so once. Without the stream's rows
  (not selected, or a warehouse loaded before it existed) the name is NULL, and every
  mart's account_name with it.
-#}
{{ config(materialized='table') }}
with ids as (
    select account_id from {{ ref('stg_wistia__medias') }}
    union
    select account_id from {{ ref('stg_wistia__events') }}
    union
    select account_id from {{ ref('stg_wistia__visitors') }}
)

select ids.account_id, names.account_name
from ids
left join {{ ref('stg_wistia__account') }} as names
    on ids.account_id = names.account_id
