local data = require'data'
function filter(pkt)
  local str = tostring(pkt)
  local software_version = str:match('SSH%-[^-%G]+%-([^-%G]+)')
  if software_version == 'OpenSSH_6.4' then return false end   -- reject
  return true                                                   -- accept
end
