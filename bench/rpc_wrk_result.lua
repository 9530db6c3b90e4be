-- Shared by bench/rpc_post.lua and bench/rpc_mix.lua (dofile'd by each): counts
-- non-200 and JSON-RPC error responses in each wrk thread, and at the end
-- prints "RESULT rps p50_ms p99_ms errors" for the scripts to parse.
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
  table.insert(threads, thread)
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
