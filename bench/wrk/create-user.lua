-- wrk: creates a new user per request, with a user code unique across threads and runs.
local counter = 0

local run = os.getenv("RUN") or "0"
local group = os.getenv("GROUP_ID")
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

-- wrk.format replaces wrk.headers (the -H ones) with the table it is given: merge them.
function json_headers()
  local headers = { ["content-type"] = "application/json" }
  for name, value in pairs(wrk.headers) do headers[name] = value end
  return headers
end

function request()
  counter = counter + 1
  local code = string.format("bench.%s.%d.%d@create.bench", run, thread_id, counter)
  local body = string.format('{"user_code":"%s","name":"Bench User %d","group_id":%s}', code, counter, group)
  return wrk.format("POST", "/api/users", json_headers(), body)
end
