-- post.lua, paced: each connection waits PACE_MS milliseconds (default 80) after every answer, so that a server is
-- measured below what Azurite can answer (bench/paired-cpu.sh). Same arguments as post.lua.
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "post.lua")

local pace = tonumber(os.getenv("PACE_MS") or "80")

function delay()
  return pace
end
