-- wrk script for bench/rpc_1m.sh: POSTs one JSON-RPC body per request, drawn
-- uniformly from the file named by env RPC_BODIES (one body per line). Counts
-- non-200 and JSON-RPC error responses, and at the end prints
-- "RESULT rps p50_ms p99_ms errors" like rpc_post.lua.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
  table.insert(threads, thread)
end

local bodies = {}
function init(args)
  bad = 0
  math.randomseed(7000 + (seed or 0))
  for line in io.lines(os.getenv("RPC_BODIES")) do
    if #line > 0 then table.insert(bodies, line) end
  end
end

function request()
  return wrk.format(nil, nil, nil, bodies[math.random(#bodies)])
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"error"', 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status +
    summary.errors.timeout
  for _, t in ipairs(threads) do
    errors = errors + (t:get("bad") or 0)
  end
  io.write(string.format("RESULT %.0f %.3f %.3f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
