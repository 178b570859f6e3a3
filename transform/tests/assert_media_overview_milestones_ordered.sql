-- Reaching 50 % implies reaching 25 %, and so on; every viewer counted in a milestone is a
-- unique visitor of the media.
select media_id, unique_visitors, reached_25, reached_50, reached_75, reached_100
from {{ ref('media_overview') }}
where not (
    unique_visitors >= reached_25
    and reached_25 >= reached_50
    and reached_50 >= reached_75
    and reached_75 >= reached_100
)
