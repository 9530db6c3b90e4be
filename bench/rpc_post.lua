-- wrk script for bench/rpc.sh: POSTs one JSON-RPC body (env RPC_BODY); counts
-- errors and prints "RESULT rps p50_ms p99_ms errors" (rpc_wrk_result.lua).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("RPC_BODY")
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "rpc_wrk_result.lua")

function init(args)
  bad = 0
end
