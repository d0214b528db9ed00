// Package db renders the primary database role: a MariaDB Galera cluster
// of at least three nodes in the service's primary site, with weights
// chosen so that losing one node or one PDU keeps it writable. It also
// exports the Galera node rendering the replica cluster (modules/dbreplica)
// shares.
package db

import (
	"embed"
	"fmt"

	"github.com/racksmith/racksmith/modules/render"
)

// ConfigPath is the rendered MariaDB drop-in on every database node.
const ConfigPath = "/etc/mysql/mariadb.conf.d/60-racksmith-galera.cnf"

//go:embed templates/*.tmpl
var tmplFS embed.FS

var tmpl = render.Templates(tmplFS, "templates")

// Cluster describes one Galera cluster to render.
type Cluster struct {
	Name         string         // wsrep_cluster_name
	Nodes        []*render.Host // sorted members
	DomainID     int            // wsrep_gtid_domain_id of the cluster
	ServerIDBase int            // server_id of node i is ServerIDBase+i
	ReadOnly     bool
	Note         string // extra comment for every node
}

type nodeData struct {
	Host, Site, Cluster, Addr, Note                string
	Index, ServerID, LocalDomainID                 int
	ClusterDomainID, Weight, TotalWeight, Majority int
	Peers                                          []string
	ReadOnly                                       bool
}

// Weights gives each node its pc.weight: 1 each, except that with an even
// node count the first node weighs 2, so an even split still leaves one
// side with a majority.
func Weights(n int) []int {
	w := make([]int, n)
	for i := range w {
		w[i] = 1
	}
	if n > 0 && n%2 == 0 {
		w[0] = 2
	}
	return w
}

// Render renders each node's MariaDB drop-in.
func (c Cluster) Render() render.HostFiles {
	out := render.HostFiles{}
	weights := Weights(len(c.Nodes))
	total := 0
	for _, w := range weights {
		total += w
	}
	peers := render.Addrs(c.Nodes)
	for i, h := range c.Nodes {
		d := nodeData{
			Host: h.Name, Site: h.Site, Cluster: c.Name, Addr: h.Addr.String(), Note: c.Note,
			Index: i + 1, ServerID: c.ServerIDBase + i, LocalDomainID: c.ServerIDBase + i,
			ClusterDomainID: c.DomainID, Weight: weights[i], TotalWeight: total, Majority: total/2 + 1,
			Peers: peers, ReadOnly: c.ReadOnly,
		}
		out.Add(h.Name, render.Text(ConfigPath, 0o644, render.Exec(tmpl, "galera.cnf.tmpl", d)))
	}
	return out
}

// Primary is the primary cluster of t: the db hosts of the primary site.
func Primary(t *render.Topology) Cluster {
	return Cluster{
		Name:         fmt.Sprintf("racksmith-%s", t.PrimarySite),
		Nodes:        t.With(render.RoleDB, t.PrimarySite),
		DomainID:     1,
		ServerIDBase: 1,
	}
}

// Render renders the primary cluster's nodes.
func Render(t *render.Topology) render.HostFiles {
	return Primary(t).Render()
}
