-- wrk script of bench_verify_http: POST bodies with a different subject each time.
-- wrk -s bench/http_load.lua URL -- <subjects file> <sessionid> <csrftoken> <verify|insert>
-- "verify" mixes four predicates (an open element, a region, a conditional element under a grant,
-- the consumer's own element); "insert" posts the subject alone. done() prints one "BENCH ..." line
-- (bench/http_report.lua).

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  table.insert(threads, thread)
end

function init(args)
  subjects = {}
  for line in io.lines(args[1]) do
    subjects[#subjects + 1] = line
  end
  kind = args[4]
  headers = {
    ["Content-Type"] = "application/json",
    ["Cookie"] = "sessionid=" .. args[2] .. "; csrftoken=" .. args[3],
    ["X-CSRFToken"] = args[3],
  }
  math.randomseed(20261201 + (thread_id or 0) * 7919)
end

local purpose = "养老保险待遇资格认证"

function request()
  local subject = subjects[math.random(#subjects)]
  local body
  if kind == "verify" then
    local case = '"case":"RS-2026-' .. math.random(100000, 999999) .. '"'
    local pick = math.random(4)
    if pick == 1 then
      body = '{"subject":"' .. subject .. '","predicate":"age_at_least","params":{"n":' .. math.random(16, 80)
        .. '},"purpose":"' .. purpose .. '",' .. case .. '}'
    elseif pick == 2 then
      body = '{"subject":"' .. subject .. '","predicate":"hukou_in_region","params":{"region":"990102"},"purpose":"'
        .. purpose .. '",' .. case .. '}'
    elseif pick == 3 then
      body = '{"subject":"' .. subject .. '","predicate":"married","params":{},"purpose":"' .. purpose .. '",'
        .. case .. '}'
    else
      body = '{"subject":"' .. subject .. '","predicate":"receives_pension","params":{},"purpose":"' .. purpose
        .. '",' .. case .. '}'
    end
  else
    body = '{"subject":"' .. subject .. '"}'
  end
  return wrk.format("POST", nil, headers, body)
end

done = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "http_report.lua")
