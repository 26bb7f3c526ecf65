-- /etc/npflua/npflua.lua: the configuration the systemd unit (npflua.service) runs.
interfaces = { "eth0" }
workers = 2
fanout = "hash"
-- Every *.lua here is loaded at start in file name order, named after its file (10-ssh.lua -> 10-ssh);
-- `systemctl reload npflua` (SIGHUP) loads files added since, reloads changed ones, unloads removed ones.
rules_dir = "/etc/npflua/rules.d"
limits = { on_error = "pass" }
outputs = {
  control = "/run/npflua/npflua.sock",   -- RuntimeDirectory of the unit
  events = "/var/log/npflua/eve.json",   -- LogsDirectory of the unit; rotated by npflua.logrotate
  events_rate = 100,                     -- records a second per script and event type
  events_burst = 200,
  metrics_port = 9100,                   -- Prometheus /metrics
}
