-- Paces survey.lua (put after it in the same script): each thread starts its k-th
-- respondent no earlier than (k - 1) * `interval` seconds after its first, so N
-- threads offer N / interval respondents per second from the first moment on.
-- args[5]: interval. The two requests after "start" go out at once (a browser
-- following redirects). A respondent that cannot start on time starts as soon as the
-- previous one is done; how late it started is kept, so the report can tell a server
-- that did not keep up (`behind_ms` at the end > 0) from a schedule that asked less.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } bench_timeval;
  int gettimeofday(bench_timeval *tv, void *tz);
]]
local clock = ffi.new("bench_timeval")
local interval, started = 0, nil

local function now()
  ffi.C.gettimeofday(clock, nil)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_usec) / 1e6
end

local survey_init = init
function init(args)
  survey_init(args)
  interval = tonumber(args[5]) or 0
end

-- behind_ms: how late the thread's latest respondent started; behind_max_ms: the most.
behind_ms, behind_max_ms = 0, 0
bench_collect[#bench_collect + 1] = "behind_ms"
bench_collect[#bench_collect + 1] = "behind_max_ms"

function delay()
  if step ~= 0 or interval <= 0 then return 0 end
  local moment = now()
  started = started or moment
  local wait = started + (index - 1) * interval - moment
  behind_ms = math.max(0, math.floor(-wait * 1000))
  behind_max_ms = math.max(behind_max_ms, behind_ms)
  return math.max(0, math.floor(wait * 1000))
end

-- The time each respondent's submit was acknowledged (the thanks redirect), for the
-- lag between a submission and the first results that count it.
done_at = {}
bench_collect[#bench_collect + 1] = "done_at"
local survey_response = response
function response(status, headers, body)
  local before = ok
  survey_response(status, headers, body)
  if ok > before then done_at[#done_at + 1] = now() end
end
