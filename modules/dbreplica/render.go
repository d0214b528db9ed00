// Package dbreplica renders the replica database role: a second Galera
// cluster in another site whose first node (the channel node) replicates
// asynchronously, with GTIDs, from the primary cluster, read-only until
// an operator promotes it with the rendered racksmith-db-promote script.
package dbreplica

import (
	"embed"
	"fmt"

	"github.com/racksmith/racksmith/modules/db"
	"github.com/racksmith/racksmith/modules/render"
)

// Paths of the scripts rendered on every replica node, beside db.ConfigPath.
const (
	ReplicatePath = "/usr/local/sbin/racksmith-db-replicate"
	PromotePath   = "/usr/local/sbin/racksmith-db-promote"
	// SecretFile holds the replication user's password on the host. It is
	// delivered with the host's secrets, never rendered.
	SecretFile = "/etc/racksmith/secrets/db-replication-password"
	// User is the replication account on the primary cluster.
	User = "racksmith_repl"
)

//go:embed templates/*.tmpl
var tmplFS embed.FS

var tmpl = render.Templates(tmplFS, "templates")

type scriptData struct {
	Host, Cluster, PrimaryCluster, PrimarySite, Channel, ChannelAddr, SecretFile, User string
	Port                                                                               int
	Primaries, Nodes                                                                   []string
}

// Render renders the replica cluster's nodes: their MariaDB drop-in and the
// replicate and promote scripts.
func Render(t *render.Topology) render.HostFiles {
	nodes := t.With(render.RoleDBReplica, "")
	if len(nodes) == 0 {
		return render.HostFiles{}
	}
	primary := db.Primary(t)
	site := nodes[0].Site
	c := db.Cluster{
		Name:         fmt.Sprintf("racksmith-%s", site),
		Nodes:        nodes,
		DomainID:     2,
		ServerIDBase: 101,
		ReadOnly:     true,
		Note:         fmt.Sprintf("Replica of %s: %s replicates from it asynchronously (racksmith-db-replicate).", primary.Name, nodes[0].Name),
	}
	out := c.Render()
	for _, h := range nodes {
		d := scriptData{
			Host: h.Name, Cluster: c.Name, PrimaryCluster: primary.Name, PrimarySite: t.PrimarySite,
			Channel: nodes[0].Name, ChannelAddr: nodes[0].Addr.String(), SecretFile: SecretFile, User: User,
			Port: render.PortMySQL, Primaries: render.Addrs(primary.Nodes), Nodes: render.Addrs(nodes),
		}
		out.Add(h.Name,
			render.Text(ReplicatePath, 0o755, render.Exec(tmpl, "replicate.sh.tmpl", d)),
			render.Text(PromotePath, 0o755, render.Exec(tmpl, "promote.sh.tmpl", d)),
		)
	}
	return out
}
