package monitor

import "github.com/racksmith/racksmith/modules/render"

// Render renders every monitor host's Prometheus configuration and rules.
func Render(t *render.Topology) render.HostFiles {
	out := render.HostFiles{}
	rulesText := marshal("# Rendered by racksmith: alert rules of every monitor.\n", rules(t))
	for _, h := range t.With(render.RoleMonitor, "") {
		out.Add(h.Name,
			render.Text(ConfigPath, 0o644, marshal("# Rendered by racksmith for "+h.Name+" (site "+h.Site+"). Do not edit.\n", config(t, h))),
			render.Text(RulesPath, 0o644, rulesText),
		)
	}
	return out
}
