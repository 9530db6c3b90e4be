-- wrk script for bench/rpc.sh: a weighted mix of JSON-RPC bodies, one drawn at
-- random per request. The file named by env RPC_MIX holds one "WEIGHT BODY" per
-- line. Counts non-200 and JSON-RPC error responses like rpc_post.lua, and at
-- the end prints "RESULT rps p50_ms p99_ms errors".
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
  table.insert(threads, thread)
end

local bodies, cumulative, total = {}, {}, 0
function init(args)
  bad = 0
  math.randomseed(1000 + (seed or 0))
  for line in io.lines(os.getenv("RPC_MIX")) do
    local w, body = line:match("^(%d+)%s+(.+)$")
    if w then
      total = total + tonumber(w)
      table.insert(bodies, body)
      table.insert(cumulative, total)
    end
  end
end

function request()
  local r = math.random() * total
  for i, c in ipairs(cumulative) do
    if r < c then
      return wrk.format(nil, nil, nil, bodies[i])
    end
  end
  return wrk.format(nil, nil, nil, bodies[#bodies])
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
