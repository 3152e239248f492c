-- wrk: edits one user per thread, carrying the version each answer returns (no lost updates,
-- so no 409s unless two threads share a user).
local ids = {}
for id in string.gmatch(os.getenv("USER_IDS"), "[^,]+") do table.insert(ids, id) end
local next_index = 1


function setup(thread)
  thread:set("user_id", ids[next_index])
  thread:set("user_code", os.getenv("CODE_" .. ids[next_index]))
  thread:set("version", tonumber(os.getenv("VERSION_" .. ids[next_index])))
  next_index = next_index + 1
end

local counter = 0
-- wrk.format replaces wrk.headers (the -H ones) with the table it is given: merge them.
function json_headers()
  local headers = { ["content-type"] = "application/json" }
  for name, value in pairs(wrk.headers) do headers[name] = value end
  return headers
end

function request()
  counter = counter + 1
  local body = string.format('{"user_code":"%s","name":"Edited %d","version":%d}', user_code, counter, version)
  return wrk.format("PUT", "/api/users/" .. user_id, json_headers(), body)
end

function response(status, headers, body)
  local v = string.match(body, '"version":(%d+)')
  if v then version = tonumber(v) end
end
