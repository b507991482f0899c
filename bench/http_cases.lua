-- wrk script of bench_cases: each request from one line of a file, in order, each line once (the bench
-- writes more lines than a run can send; after the last it starts again from the first).
-- wrk -s bench/http_cases.lua URL -- <lines file> <csrftoken> <GET|POST>
-- A line is "<sessionid>\t<JSON body>" (no body for GET): a different login per line where the bench wants
-- one. done() prints one "BENCH ..." line (bench/http_report.lua).

done = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "http_report.lua")

function init(args)
  lines = {}
  for line in io.lines(args[1]) do
    local session, body = line:match("^([^\t]*)\t?(.*)$")
    lines[#lines + 1] = { session, body }
  end
  csrf = args[2]
  method = args[3]
  sent = 0
end

function request()
  sent = sent % #lines + 1
  local session, body = lines[sent][1], lines[sent][2]
  local headers = { ["Cookie"] = "sessionid=" .. session .. "; csrftoken=" .. csrf, ["X-CSRFToken"] = csrf }
  if method == "POST" then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", nil, headers, body)
  end
  return wrk.format("GET", nil, headers)
end
