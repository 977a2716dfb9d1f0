-- Replays prepared POSTs, one per line of "<prefix>.<thread id>.tsv":
--   key TAB method TAB path TAB cookie TAB form body
-- Run with one connection per thread (-t N -c N), so each response belongs to the
-- request this thread sent last. A response counts as done when its status is 302
-- and its Location contains args[2]; the keys of done requests are kept.
-- When a thread runs out of lines it stops (the count bounds the run, like -d).

bench_collect = {"ok", "bad", "statuses", "done_keys", "exhausted"}
ok, bad, exhausted = 0, 0, 0
statuses, done_keys = {}, {}

local requests, keys, count, index = {}, {}, 0, 0
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
  index = index + 1
  if index > count then
    exhausted = 1
    wrk.thread:stop()
    index = count  -- a resent key is answered from the first request (idempotent)
  end
  return requests[index]
end

function response(status, headers, body)
  local location = headers["Location"] or ""
  if status == 302 and location:find(expect, 1, true) then
    ok = ok + 1
    done_keys[#done_keys + 1] = keys[index]
  else
    bad = bad + 1
    statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
  end
end
