-- Test stand-in for examples/rtp-h263.lua: RTP version 2 with payload type 34 over UDP/IPv4 is blocked.
function filter(pkt)
  if #pkt < 54 or pkt:byte(24) ~= 17 then return true end
  local v = math.floor(pkt:byte(43) / 64)
  local pt = pkt:byte(44) % 128
  return not (v == 2 and pt == 34)
end
