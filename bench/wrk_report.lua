-- wrk script for `make bench`: optional If-None-Match, and the summary as one JSON line.
--
-- BENCH_IF_NONE_MATCH (an ETag fetched beforehand) turns every request into a
-- conditional GET, so the run measures the 304 path of a polling client.
local etag = os.getenv("BENCH_IF_NONE_MATCH")
if etag ~= nil and etag ~= "" then
   wrk.headers["If-None-Match"] = etag
end

-- Called once after the run: exact percentiles in microseconds, and every error kind
-- (errors.status counts responses with a status of 400 or more).
function done(summary, latency, requests)
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "mean": %.1f, "max": %d}}\n',
      summary.requests, summary.duration, summary.bytes,
      summary.errors.connect, summary.errors.read, summary.errors.write,
      summary.errors.status, summary.errors.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.mean, latency.max))
end
