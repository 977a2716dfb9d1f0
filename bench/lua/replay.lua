-- Replays prepared POSTs, one per line of "<prefix>.<thread id>.tsv":
--   key TAB method TAB path TAB cookie TAB form body
-- Run with one connection per thread (-t N -c N), so each response belongs to the
-- request this thread sent last. A response counts as done when its status is 302
-- and its Location contains args[2]; the keys of done requests are kept.
-- When a thread runs out of lines it stops (the count bounds the run, like -d).
--
-- request() only reads the state and response() moves it on (as in survey.lua): wrk
-- calls request() once more than it sends (thread 0, to check the request is valid,
-- before the load), and a request() that moved on would skip that thread's first line.

bench_collect = {"ok", "bad", "statuses", "done_keys", "exhausted", "requests_sent"}
ok, bad, exhausted, requests_sent = 0, 0, 0, 0
statuses, done_keys = {}, {}

local requests, keys, count, index = {}, {}, 0, 1
local expect

function init(args)
  expect = args[2]
  for line in io.lines(args[1] .. "." .. id .. ".tsv") do
    local key, method, path, cookie, body =
      line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    count = count + 1
    keys[count] = key
    requests[count] = wrk.format(method, path, {
      ["Cookie"] = cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body)
  end
end

function request()
  if index > count then
    exhausted = 1
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")  -- nothing left to post; not counted
  end
  return requests[index]
end

function response(status, headers, body)
  if index > count then return end
  requests_sent = requests_sent + 1
  local location = headers["Location"] or ""
  if status == 302 and location:find(expect, 1, true) then
    ok = ok + 1
    done_keys[#done_keys + 1] = keys[index]
  else
    bad = bad + 1
    statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
  end
  index = index + 1
end
