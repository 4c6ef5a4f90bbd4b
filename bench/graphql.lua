-- wrk script for bench/run.sh: POSTs one GraphQL query per request with a bearer token.
--
--   wrk -s bench/graphql.lua URL -- WORKLOAD TOKEN CODES_FILE [LIMIT]
--
-- WORKLOAD: w1 (one full profile), w2 (50 full profiles in one `citizens`), w3 (a reporting
-- aggregate). Fiscal codes are read from CODES_FILE (one a line); each thread starts at its
-- own offset and walks the list, so consecutive requests ask for different citizens.
-- done() prints one line, "BENCH key=value …", that run.sh parses: completed requests, the
-- duration, p50/p99 latency in microseconds, non-2xx answers and answers carrying "errors".
-- With LIMIT (use -t 1 -c 1) the thread stops after LIMIT answers, so every request sent was
-- answered: run.sh counts statements per request that way.

local PROFILE = [[
fragment Profile on Citizen {
  fiscalCode
  person {
    fiscalCode givenName familyName birthDate birthPlaceCode bornAbroad gender citizenship
    residenceMunicipality residenceMunicipalityName residenceProvince email phone cpiCode didDate
    sources { source fiscalCode updatedAt stale ageSeconds }
    provenance { field source updatedAt stale ageSeconds }
  }
  employments {
    source stale ageSeconds sourceRowId employerTaxCode employerName startDate endDate current
    contractType contractTypeLabel contractTypeValidAtStart occupationCode sectorCode
    weeklyHours workplaceMunicipality
  }
  trainings {
    source stale ageSeconds sourceRowId kind title providerName startDate endDate hours outcome
    qualificationCode eqfLevel
  }
}]]

local QUERIES = {
  w1 = "query W1($cf: FiscalCode!) { citizen(fiscalCode: $cf) { ...Profile } }\n" .. PROFILE,
  w2 = "query W2($cfs: [FiscalCode!]!) { citizens(fiscalCodes: $cfs) { ...Profile } }\n" .. PROFILE,
  w3 = "query W3 { statistics { libretti { byArea { cells { key label count suppressed } total totalSuppressed } } } }",
}

local BATCH = 50

-- JSON string literal of a GraphQL document (only backslash, quote and newline occur)
local function json_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\n', '\\n') .. '"'
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local workload, codes, pos, query, headers, limit
local answered = 0
errors = 0
non2xx = 0

function init(args)
  workload = args[1]
  limit = tonumber(args[4])
  local token = args[2]
  query = json_string(assert(QUERIES[workload], "unknown workload " .. tostring(workload)))
  headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }
  codes = {}
  if args[3] then
    for line in io.lines(args[3]) do
      if #line > 0 then codes[#codes + 1] = line end
    end
  end
  -- threads start far apart in the list (wrk gives each thread its own Lua state)
  pos = ((id - 1) * 7919) % math.max(#codes, 1)
end

local function next_code()
  pos = pos % #codes + 1
  return codes[pos]
end

function request()
  local variables
  if workload == "w1" then
    variables = '{"cf":"' .. next_code() .. '"}'
  elseif workload == "w2" then
    local list = {}
    for i = 1, BATCH do list[i] = '"' .. next_code() .. '"' end
    variables = '{"cfs":[' .. table.concat(list, ",") .. ']}'
  else
    variables = '{}'
  end
  local body = '{"query":' .. query .. ',"variables":' .. variables .. '}'
  return wrk.format("POST", "/graphql", headers, body)
end

function response(status, _, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  elseif body:find('"errors"', 1, true) then
    errors = errors + 1
  end
  answered = answered + 1
  if limit and answered >= limit then wrk.thread:stop() end
end

function done(summary, latency, _)
  local bad, failed = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    failed = failed + (t:get("errors") or 0)
  end
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, bad, failed,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
