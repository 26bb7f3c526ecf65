local data = require'data'
local rtp = data.layout{version={0,2}, extension={3,1}, csrc_count={4,4}, marker={8,1}, type={9,7}}
function filter(pkt)
  if not pkt:udp() then return true end         -- RTP rides on UDP
  local pld = pkt:payload()
  if pld == nil then return true end            -- empty datagram
  pld:layout(rtp)
  if pld.version == 2 and pld.type == 34 then return false end   -- reject H.263
  return true                                                     -- accept
end
