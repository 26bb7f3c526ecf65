-- Prints the cases whose output differs between two golden-format files (used by regen.sh for lua54.txt):
--   lua5.4 diff-outputs.lua X.out X-under-lua54.out
local function sections(path)
  local out, order, name = {}, {}, nil
  for line in io.lines(path) do
    local n = line:match('^%-%- case: (%S+)%s*$')
    if n then
      name = n
      out[n] = {}
      order[#order + 1] = n
    elseif name then
      table.insert(out[name], line)
    end
  end
  return out, order
end
local g52, order = sections(arg[1])
local g54 = sections(arg[2])
for _, n in ipairs(order) do
  local a, b = table.concat(g52[n], '\n'), table.concat(g54[n] or {}, '\n')
  if a ~= b then
    io.write('-- case: ', n, '\n-- lua5.2:\n', a, '\n-- lua5.4:\n', b, '\n')
  end
end
