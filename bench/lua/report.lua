-- Shared by every scenario script (the harness puts it in front of the scenario's
-- own script). Numbers each thread (global `id`, from 0), and at the end prints one
-- line "BENCH_JSON {...}" with wrk's totals, latency percentiles and the values each
-- thread kept in the globals named in `bench_collect` (set by the scenario script).

local bench_threads = {}

function setup(thread)
  thread:set("id", #bench_threads)
  table.insert(bench_threads, thread)
end

local function encode(value)
  local kind = type(value)
  if kind == "number" then
    if value ~= value or value == math.huge or value == -math.huge then return "null" end
    if value == math.floor(value) and math.abs(value) < 2^53 then
      return string.format("%d", value)
    end
    return string.format("%.6f", value)
  elseif kind == "string" then
    local escaped = value:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end)
    return '"' .. escaped .. '"'
  elseif kind == "boolean" then
    return tostring(value)
  elseif kind == "table" then
    local parts = {}
    if next(value) == nil or #value > 0 then
      for i, item in ipairs(value) do parts[i] = encode(item) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    for key, item in pairs(value) do parts[#parts + 1] = encode(tostring(key)) .. ":" .. encode(item) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  return "null"
end

function done(summary, latency, requests)
  local out = {
    duration_us = summary.duration,
    requests = summary.requests,
    bytes = summary.bytes,
    errors = {
      connect = summary.errors.connect,
      read = summary.errors.read,
      write = summary.errors.write,
      status = summary.errors.status,
      timeout = summary.errors.timeout,
    },
    latency_us = {
      min = latency.min,
      max = latency.max,
      mean = latency.mean,
      p50 = latency:percentile(50),
      p90 = latency:percentile(90),
      p95 = latency:percentile(95),
      p99 = latency:percentile(99),
    },
    threads = {},
  }
  for i, thread in ipairs(bench_threads) do
    local kept = {}
    for _, name in ipairs(bench_collect or {}) do kept[name] = thread:get(name) end
    out.threads[i] = kept
  end
  io.write("BENCH_JSON " .. encode(out) .. "\n")
end
