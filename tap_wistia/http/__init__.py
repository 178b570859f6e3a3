"""The HTTP layer under every stream: what a request may cost, how long it may take, how it
is retried, and what its failures say.

- `transport`: the session; time and size limits no server can stretch; redirects refused;
- `budget`: the run's one requests-per-minute budget (`Throttle`) and its clock;
- `concurrency`: how many requests are in flight, learned from latency (`AdaptiveLimit`);
- `retries`, `retry_after`: which failures are tried again, how long the run waits;
- `errors`: the tap's errors and how a request is described in them;
- `redaction`: the token kept out of every log line and error;
- `paging`: page-number paging and the guard against a server that ignores it;
- `workers`, `page_crawl`: parallel requests (per-media jobs, pages ahead, events days).

Nothing here knows a stream: streams use this package, never the other way round.
"""
