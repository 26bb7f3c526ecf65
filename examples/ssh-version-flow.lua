-- ssh-version-flow.lua: the seed SSH filter, stateful. A server that announces OpenSSH_6.4 loses the whole
-- connection, not just the frame with its banner; every other connection is let go as soon as its banner is seen,
-- and the engine stops calling this script for it (the flow is bypassed when no other script wants it).
--
-- Without flows (--no-flows, or a frame without IP) it behaves as the seed script: it blocks the banner frame.
--   sudo npflua run --bridge eth1,eth2 -s examples/ssh-version-flow.lua
--   npflua replay capture.pcap -s examples/ssh-version-flow.lua --write-blocked refused.pcap
-- With --inspect-bytes 4096 a connection is let go as well once 4 KiB of payload went one way without a banner
-- (then neither direction is inspected any more).

local BANNED = 'OpenSSH_6.4'

function filter(pkt)
  local version = tostring(pkt):match('SSH%-[^-%G]+%-([^-%G]+)')
  if not version then return true end                 -- no banner in this frame: keep looking
  local flow = pkt:flow()
  if version == BANNED then
    if flow then flow:block('banned SSH server ' .. version) end   -- this frame and the rest of the connection
    return false
  end
  if flow then flow:pass() end                        -- a banner we accept: done with this connection
  return true
end
