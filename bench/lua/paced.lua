-- Paces survey.lua (put after it in the same script): each thread starts its next
-- respondent no earlier than `interval` seconds after the previous one was due, so
-- N threads submit at most N / interval respondents per second. args[5]: interval.
-- The two requests after "start" go out at once (a browser following redirects).

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

function delay()
  if step ~= 0 or interval <= 0 then return 0 end
  started = started or now()
  local due = started + index * interval
  return math.max(0, math.floor((due - now()) * 1000))
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
