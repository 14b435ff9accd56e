-- wrk script of the mixed load (bench/mixed.py): mostly anonymous reads of pages and the
-- API, and signed-in writes (post a comment, like, take a like back) with JWT bearer
-- tokens obtained beforehand. Read from the environment:
--   MIXED_READS          paths to GET, separated by spaces
--   MIXED_SLUGS          articles to write to, separated by spaces
--   MIXED_TOKENS         access tokens, separated by spaces (one reader each)
--   MIXED_WRITE_PERCENT  share of requests that write (default 10)

local function words(text)
   local found = {}
   for word in string.gmatch(text or "", "%S+") do
      found[#found + 1] = word
   end
   return found
end

local reads = words(os.getenv("MIXED_READS"))
local slugs = words(os.getenv("MIXED_SLUGS"))
local tokens = words(os.getenv("MIXED_TOKENS"))
local write_percent = tonumber(os.getenv("MIXED_WRITE_PERCENT") or "10")

local threads = {}
local next_id = 0

function setup(thread)
   next_id = next_id + 1
   thread:set("id", next_id)
   threads[#threads + 1] = thread
end

-- Per thread: its own random sequence, and the statuses it saw.
statuses = {}

function init(args)
   math.randomseed(os.time() * 1000 + id)
end

local function read()
   local path = reads[math.random(#reads)]
   if string.sub(path, 1, 5) == "/api/" then
      return wrk.format("GET", path, {["Accept"] = "application/json"})
   end
   return wrk.format("GET", path, {["Accept"] = "text/html"})
end

local function write()
   local slug = slugs[math.random(#slugs)]
   local headers = {
      ["Accept"] = "application/json",
      ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
   }
   local kind = math.random(3)
   if kind == 1 then
      headers["Content-Type"] = "application/json"
      return wrk.format("POST", "/api/v1/articles/" .. slug .. "/comments/", headers,
                        '{"body": "A comment posted under load."}')
   end
   return wrk.format(kind == 2 and "PUT" or "DELETE", "/api/v1/articles/" .. slug .. "/like/",
                     headers)
end

function request()
   if math.random(100) <= write_percent then
      return write()
   end
   return read()
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

-- Called once after the run: the summary as one JSON line, with every status seen.
function done(summary, latency, requests)
   local total = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         total[status] = (total[status] or 0) + count
      end
   end
   local parts = {}
   for status, count in pairs(total) do
      parts[#parts + 1] = string.format('"%d": %d', status, count)
   end
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "mean": %.1f, "max": %d}, ' ..
      '"statuses": {%s}}\n',
      summary.requests, summary.duration, summary.bytes,
      summary.errors.connect, summary.errors.read, summary.errors.write,
      summary.errors.status, summary.errors.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.mean, latency.max, table.concat(parts, ", ")))
end
