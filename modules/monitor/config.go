// Package monitor renders the monitor role: Prometheus on every monitor
// host of both sites, each scraping every host of the inventory (node
// exporter) and every role's exporter, the other monitors (so each site
// watches the other) and the sites' boot servers, with alert rules for
// hosts down, roles below their wanted replicas, PDU feeds near their
// failover budget, growing mail queues and database clusters out of quorum.
package monitor

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/racksmith/racksmith/modules/render"
)

// Paths of the files rendered on every monitor host.
const (
	ConfigPath = "/etc/prometheus/prometheus.yml"
	RulesPath  = "/etc/prometheus/rules/racksmith.yml"
)

type promConfig struct {
	Global        global         `yaml:"global"`
	RuleFiles     []string       `yaml:"rule_files"`
	Alerting      alerting       `yaml:"alerting"`
	ScrapeConfigs []scrapeConfig `yaml:"scrape_configs"`
}

type global struct {
	ScrapeInterval     string            `yaml:"scrape_interval"`
	EvaluationInterval string            `yaml:"evaluation_interval"`
	ExternalLabels     map[string]string `yaml:"external_labels"`
}

type alerting struct {
	Alertmanagers []amConfig `yaml:"alertmanagers"`
}

type amConfig struct {
	StaticConfigs []staticConfig `yaml:"static_configs"`
}

type scrapeConfig struct {
	JobName       string         `yaml:"job_name"`
	MetricsPath   string         `yaml:"metrics_path,omitempty"`
	StaticConfigs []staticConfig `yaml:"static_configs"`
}

type staticConfig struct {
	Targets []string          `yaml:"targets"`
	Labels  map[string]string `yaml:"labels,omitempty"`
}

// RoleLabel is the label carried by node targets of hosts with role, e.g.
// role_db_replica="true".
func RoleLabel(role string) string { return "role_" + strings.ReplaceAll(role, "-", "_") }

// exporters are the role exporters scraped besides node_exporter.
var exporters = []struct {
	job, role string
	port      int
	path      string
}{
	{"haproxy", render.RoleLB, render.PortHAProxyStats, "/metrics"},
	{"nginx", render.RoleWeb, render.PortNginxExporter, ""},
	{"postfix", render.RoleMX, render.PortPostfixExport, ""},
	{"mysqld", render.RoleDB, render.PortMySQLExporter, ""},
	{"mysqld", render.RoleDBReplica, render.PortMySQLExporter, ""},
	{"knot", render.RoleDNS, render.PortKnotExporter, ""},
}

// config is a monitor host's prometheus.yml.
func config(t *render.Topology, h *render.Host) promConfig {
	c := promConfig{
		Global: global{ScrapeInterval: "15s", EvaluationInterval: "15s",
			ExternalLabels: map[string]string{"site": h.Site, "monitor": h.Name}},
		RuleFiles: []string{RulesPath},
		Alerting: alerting{Alertmanagers: []amConfig{{StaticConfigs: []staticConfig{{
			Targets: []string{fmt.Sprintf("127.0.0.1:%d", render.PortAlertmanager)}}}}}},
	}
	node := scrapeConfig{JobName: "node"}
	for _, o := range t.Hosts {
		if !o.Addr.IsValid() {
			continue
		}
		labels := map[string]string{"instance": o.Name, "site": o.Site}
		for _, r := range o.Roles {
			labels[RoleLabel(r)] = "true"
		}
		node.StaticConfigs = append(node.StaticConfigs, staticConfig{Targets: []string{target(o.Addr, render.PortNodeExporter)}, Labels: labels})
	}
	c.ScrapeConfigs = append(c.ScrapeConfigs, node)
	byJob := map[string]*scrapeConfig{}
	for _, e := range exporters {
		sc := byJob[e.job]
		if sc == nil {
			c.ScrapeConfigs = append(c.ScrapeConfigs, scrapeConfig{JobName: e.job, MetricsPath: e.path})
			sc = &c.ScrapeConfigs[len(c.ScrapeConfigs)-1]
			byJob[e.job] = sc
		}
		for _, o := range t.With(e.role, "") {
			labels := map[string]string{"instance": o.Name, "site": o.Site}
			if cl := clusterOf(t, o); cl != "" {
				labels["cluster"] = cl
			}
			sc.StaticConfigs = append(sc.StaticConfigs, staticConfig{Targets: []string{target(o.Addr, e.port)}, Labels: labels})
		}
	}
	prom := scrapeConfig{JobName: "prometheus"}
	for _, o := range t.With(render.RoleMonitor, "") {
		prom.StaticConfigs = append(prom.StaticConfigs, staticConfig{Targets: []string{target(o.Addr, render.PortPrometheus)},
			Labels: map[string]string{"instance": o.Name, "site": o.Site}})
	}
	boot := scrapeConfig{JobName: "racksmith"}
	for _, s := range t.Sites {
		u, err := url.Parse(t.Site(s).Network.BootURL)
		if err != nil || u.Host == "" {
			continue
		}
		boot.StaticConfigs = append(boot.StaticConfigs, staticConfig{Targets: []string{u.Host}, Labels: map[string]string{"site": s}})
	}
	c.ScrapeConfigs = append(c.ScrapeConfigs, prom, boot)
	// Drop jobs with no targets: an inventory without lbs has no haproxy job.
	kept := c.ScrapeConfigs[:0]
	for _, sc := range c.ScrapeConfigs {
		if len(sc.StaticConfigs) > 0 {
			kept = append(kept, sc)
		}
	}
	c.ScrapeConfigs = kept
	return c
}

// clusterOf names the database cluster o belongs to, as db and dbreplica
// render it.
func clusterOf(t *render.Topology, o *render.Host) string {
	switch {
	case o.Has(render.RoleDB):
		return "racksmith-" + t.PrimarySite
	case o.Has(render.RoleDBReplica):
		return "racksmith-" + o.Site
	}
	return ""
}

func target(a netip.Addr, port int) string {
	return netip.AddrPortFrom(a, uint16(port)).String()
}

func marshal(header string, v any) string {
	b, err := yaml.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("monitor: marshal: %v", err)) // typed data: cannot fail
	}
	return header + string(b)
}
