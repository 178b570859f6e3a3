-- Retention is measured against the first chunk, so chunk 0 is always 100 %.
select media_id, snapshot_date, retention_pct
from {{ ref('media_engagement_chunks') }}
where chunk_index = 0
  and retention_pct is not null
  and abs(retention_pct - 100) > 0.000001
