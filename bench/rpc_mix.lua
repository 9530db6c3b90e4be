-- wrk script for bench/rpc.sh and bench/rpc_1m.sh: a weighted mix of JSON-RPC
-- bodies, one drawn at random per request (a binary search over the
-- cumulative weights, so a million bodies cost no more than ten). The file
-- named by env RPC_MIX holds one "WEIGHT BODY" per line. Counts errors and
-- prints "RESULT rps p50_ms p99_ms errors" (rpc_wrk_result.lua).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "rpc_wrk_result.lua")

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
  -- the first body whose cumulative weight exceeds r
  local r = math.random() * total
  local lo, hi = 1, #cumulative
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if r < cumulative[mid] then hi = mid else lo = mid + 1 end
  end
  return wrk.format(nil, nil, nil, bodies[lo])
end
