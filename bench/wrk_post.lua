-- wrk: POST a form whose "{n}" placeholder becomes a number unique to each request.
-- Settings from the environment: WRK_PATH, WRK_BODY, WRK_COOKIE (optional).
local path = os.getenv("WRK_PATH")
local template = os.getenv("WRK_BODY")
-- Sec-Fetch-Site as a browser sends it for the page's own form (the portal's CSRF rule).
local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Sec-Fetch-Site"] = "same-origin",
}
local cookie = os.getenv("WRK_COOKIE")
if cookie and cookie ~= "" then
  headers["Cookie"] = cookie
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

local counter = 0
function request()
  counter = counter + 1
  local unique = tostring(thread_id or 0) .. "x" .. tostring(counter)
  local body = string.gsub(template, "{n}", unique)
  return wrk.format("POST", path, headers, body)
end
