-- A survey submission as a browser makes it: POST start, POST the page with the 20
-- answers, POST submit. One line per respondent in "<prefix>.<thread id>.tsv":
--   key TAB cookie TAB start body TAB page body TAB submit body
-- args: prefix, start path, page path, submit path. One connection per thread
-- (-t N -c N): the session cookie the start answer sets goes with the next two
-- requests. A respondent is done when submit redirects to the thanks page.

bench_collect = {"ok", "bad", "statuses", "done_keys", "exhausted", "requests_sent"}
ok, bad, exhausted, requests_sent = 0, 0, 0, 0
statuses, done_keys = {}, {}

local rows, count, index, step = {}, 0, 0, 0
local paths = {}
local session = nil
local EXPECT = {"/page/1", "/review", "/thanks"}

function init(args)
  paths = {args[2], args[3], args[4]}
  for line in io.lines(args[1] .. "." .. id .. ".tsv") do
    local key, cookie, start, page, submit =
      line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    count = count + 1
    rows[count] = {key = key, cookie = cookie, bodies = {start, page, submit}}
  end
end

local function post(path, cookie, body)
  requests_sent = requests_sent + 1
  return wrk.format("POST", path, {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

function request()
  if step == 0 then
    index = index + 1
    if index > count then
      exhausted = 1
      wrk.thread:stop()
      return wrk.format("GET", "/healthz")  -- nothing left to submit; not counted
    end
    return post(paths[1], rows[index].cookie, rows[index].bodies[1])
  end
  local row = rows[index]
  local cookie = row.cookie:gsub("session=[^;]*", "session=" .. session)
  return post(paths[step + 1], cookie, row.bodies[step + 1])
end

function response(status, headers, body)
  if index > count then return end
  local location = headers["Location"] or ""
  if status ~= 302 or not location:find(EXPECT[step + 1], 1, true) then
    bad = bad + 1
    local what = tostring(step + 1) .. ":" .. tostring(status)
    statuses[what] = (statuses[what] or 0) + 1
    step = 0
    return
  end
  local cookie = headers["Set-Cookie"]
  local value = cookie and cookie:match("session=([^;]+)")
  if value then session = value end
  if step == 2 then
    ok = ok + 1
    done_keys[#done_keys + 1] = rows[index].key
    step = 0
  else
    step = step + 1
  end
end
