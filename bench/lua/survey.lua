-- A survey submission as a browser makes it: POST start, POST the page with the 20
-- answers, POST submit. One line per respondent in "<prefix>.<thread id>.tsv":
--   key TAB cookie TAB start body TAB page body TAB submit body
-- args: prefix, start path, page path, submit path. One connection per thread
-- (-t N -c N): the session cookie the start answer sets goes with the next two
-- requests. A respondent is done when submit redirects to the thanks page.
-- A submit path of "-" is a survey without the summary: the page's POST submits
-- (its body says action=submit), two requests, done when the page redirects to thanks.
--
-- request() only reads the state and response() moves it on: wrk calls request()
-- once more than it sends (thread 0, to check the request is valid, before the
-- load), and a request() that moved on would skip that thread's first respondent.
--
-- Each acknowledged key is appended at once to "<prefix>.<thread id>.acked", and a
-- thread out of lines creates "<prefix>.<thread id>.exhausted": the harness reads
-- both while wrk runs (to stop it when every thread is through, and so that no
-- acknowledgement depends on wrk's final report).

bench_collect = {"ok", "bad", "statuses", "done_keys", "exhausted", "requests_sent"}
ok, bad, exhausted, requests_sent = 0, 0, 0, 0
statuses, done_keys = {}, {}

local rows, count, index, step = {}, 0, 1, 0
local paths = {}
local prefix, acked = nil, nil
local session = nil
local EXPECT = {"/page/1", "/review", "/thanks"}
local last = 2  -- the step whose answer acknowledges the respondent

function init(args)
  prefix = args[1] .. "." .. id
  paths = {args[2], args[3], args[4]}
  if args[4] == "-" then
    last = 1
    EXPECT = {"/page/1", "/thanks"}
  end
  for line in io.lines(prefix .. ".tsv") do
    local key, cookie, start, page, submit =
      line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    count = count + 1
    rows[count] = {key = key, cookie = cookie, bodies = {start, page, submit}}
  end
end

local function post(path, cookie, body)
  return wrk.format("POST", path, {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

local function finish()
  exhausted = 1
  io.open(prefix .. ".exhausted", "w"):close()
  wrk.thread:stop()
  return wrk.format("GET", "/healthz")  -- nothing left to submit; not counted
end

function request()
  if index > count then return finish() end
  local row = rows[index]
  if step == 0 then return post(paths[1], row.cookie, row.bodies[1]) end
  local cookie = row.cookie:gsub("session=[^;]*", "session=" .. session)
  return post(paths[step + 1], cookie, row.bodies[step + 1])
end

local function acknowledge(key)
  ok = ok + 1
  done_keys[#done_keys + 1] = key
  acked = acked or io.open(prefix .. ".acked", "a")
  acked:write(key, "\n")
  acked:flush()
end

local function next_respondent()
  index = index + 1
  step = 0
end

function response(status, headers, body)
  if index > count then return end
  requests_sent = requests_sent + 1
  local location = headers["Location"] or ""
  if status ~= 302 or not location:find(EXPECT[step + 1], 1, true) then
    bad = bad + 1
    local what = tostring(step + 1) .. ":" .. tostring(status)
    statuses[what] = (statuses[what] or 0) + 1
    return next_respondent()
  end
  local cookie = headers["Set-Cookie"]
  local value = cookie and cookie:match("session=([^;]+)")
  if value then session = value end
  if step == last then
    acknowledge(rows[index].key)
    return next_respondent()
  end
  step = step + 1
end
