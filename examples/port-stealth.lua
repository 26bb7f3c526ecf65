-- port-stealth.lua: closed ports answer nothing.
--
-- A TCP SYN (SYN set, ACK clear: the first segment of a connection) to a port that is not in OPEN_TCP is
-- dropped, so the host never gets to answer it with a RST and a scan sees "filtered" instead of "closed".
-- Everything else passes: SYNs to open ports, every segment of established connections, SYN/ACKs (they have
-- ACK set, so connections the protected hosts open themselves work), non-TCP traffic.
--
-- Optionally (STEALTH_UDP = true) UDP datagrams to ports not in OPEN_UDP are dropped too, so no ICMP port
-- unreachable comes back. Off by default: without connection tracking this also drops the replies to the
-- protected hosts' own UDP clients (DNS answers come from port 53 to a random local port); turn it on only
-- where the hosts behind the filter run no UDP clients, or list their client ports.
--
-- Every destination the filter sees is protected: run it where traffic towards the hosts to hide arrives, e.g.
-- inline in front of them, or on the outward-facing side of the bridge. IPv4 and IPv6, VLAN tags skipped.
--
-- Mode: inline enforces it; tap mode counts the probes it would stop.
--   sudo npflua run --bridge eth1,eth2 -s examples/port-stealth.lua
--   npflua replay scan.pcap -s examples/port-stealth.lua --write-blocked probes.pcap

local OPEN_TCP = {22, 80, 443}
local OPEN_UDP = {53, 123}
local STEALTH_UDP = false

local tcp_open, udp_open = {}, {}
for _, port in ipairs(OPEN_TCP) do tcp_open[port] = true end
for _, port in ipairs(OPEN_UDP) do udp_open[port] = true end

function filter(pkt)
  local tcp = pkt:tcp()
  if tcp then
    return tcp.syn == 0 or tcp.ack == 1 or tcp_open[tcp.dst_port] == true
  end
  if STEALTH_UDP then
    local udp = pkt:udp()
    if udp then return udp_open[udp.dst_port] == true end
  end
  return true
end
