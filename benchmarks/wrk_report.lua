-- wrk script of benchmarks/public.py: optional random query strings, and a JSON line with the figures at the end.
-- WRK_RANDOM_QUERY=1 appends "?q=<random>" (a query string the page does not read) to every request.
local random_query = os.getenv("WRK_RANDOM_QUERY") == "1"
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  math.randomseed(os.time() + id * 7919)
end

function request()
  if random_query then
    local path = wrk.path .. "?q=" .. tostring(math.random(1, 2147483647)) .. tostring(math.random(1, 2147483647))
    return wrk.format(nil, path)
  end
  return wrk.format(nil, wrk.path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f, "err_connect": %d, "err_read": %d, "err_write": %d, "err_status": %d, ' ..
    '"err_timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
