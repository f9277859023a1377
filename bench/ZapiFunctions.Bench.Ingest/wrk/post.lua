-- wrk script of the ingest bench (--generator wrk): posts a callback file with a distinct messageId per request, and
-- prints one JSON line of what the run measured for the harness to read.
-- Arguments (after wrk's --): <callback file> <messageId prefix, distinct per run>.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  body = file:read("*a")
  file:close()
  prefix = args[2] .. "-" .. id .. "-"
  counter = 0
end

function request()
  counter = counter + 1
  -- A messageId unique across threads and runs, so that every request is a new callback, as under real traffic.
  local b = body:gsub('"messageId"%s*:%s*"[^"]*"', '"messageId":"' .. prefix .. counter .. '"', 1)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, b)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
