package dbreplica

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/modules/db"
	"github.com/racksmith/racksmith/modules/internal/checktest"
	"github.com/racksmith/racksmith/modules/internal/testinv"
	"github.com/racksmith/racksmith/modules/render"
)

func topology(t *testing.T) *render.Topology {
	t.Helper()
	topo, diags := render.New(testinv.Load(t, "example"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return topo
}

func TestGolden(t *testing.T) {
	checktest.Golden(t, Render(topology(t)))
}

// The replica cluster parses as a read-only Galera cluster of the replica
// site's nodes, with its own GTID domain and server ids apart from the
// primary's, and its scripts are valid shell.
func TestReplicaCluster(t *testing.T) {
	topo := topology(t)
	files := Render(topo)
	nodes := topo.With(render.RoleDBReplica, "")
	if len(files) != len(nodes) || len(nodes) == 0 {
		t.Fatalf("rendered %d hosts, want the %d replica nodes", len(files), len(nodes))
	}
	primaryIDs := map[string]bool{}
	for _, fs := range db.Render(topo) {
		primaryIDs[checktest.MariaDB(t, checktest.Write(t, t.TempDir(), fs[0], nil))["server-id"]] = true
	}
	sh := checktest.Need(t, "sh", "dash")
	for _, h := range nodes {
		v := checktest.MariaDB(t, checktest.Write(t, t.TempDir(), checktest.Find(t, files, h.Name, db.ConfigPath), nil))
		for k, want := range map[string]string{
			"read-only": "TRUE", "wsrep-cluster-name": "racksmith-ams1", "wsrep-gtid-domain-id": "2",
			"wsrep-cluster-address": "gcomm://" + strings.Join(render.Addrs(nodes), ","),
		} {
			if v[k] != want {
				t.Errorf("%s: %s = %q, want %q", h.Name, k, v[k], want)
			}
		}
		if primaryIDs[v["server-id"]] {
			t.Errorf("%s: server_id %s is also a primary node's", h.Name, v["server-id"])
		}
		for _, p := range []string{ReplicatePath, PromotePath} {
			checktest.Run(t, sh, "-n", checktest.Write(t, t.TempDir(), checktest.Find(t, files, h.Name, p), nil))
		}
	}
	repl := string(checktest.Find(t, files, nodes[0].Name, ReplicatePath).Content)
	for _, p := range topo.With(render.RoleDB, topo.PrimarySite) {
		if !strings.Contains(repl, " "+p.Addr.String()) {
			t.Errorf("replicate script does not try primary node %s", p.Name)
		}
	}
}

// Promotion is explicit: the script refuses to run (exit 2) without
// --confirm and the cluster's name, before touching any database.
func TestPromoteNeedsConfirm(t *testing.T) {
	files := Render(topology(t))
	host := files.Hosts()[0]
	script := checktest.Write(t, t.TempDir(), checktest.Find(t, files, host, PromotePath), nil)
	for _, args := range [][]string{nil, {"--confirm"}, {"--confirm", "racksmith-fra1"}} {
		cmd := exec.Command("sh", append([]string{script}, args...)...)
		cmd.Env = []string{"PATH=/nonexistent"} // any database client call would fail differently
		out, err := cmd.CombinedOutput()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "usage: racksmith-db-promote --confirm racksmith-ams1") {
			t.Errorf("promote %v: err %v, output %q; want exit 2 with usage", args, err, out)
		}
	}
}

// No secret is rendered: the replication password is read on the host.
func TestNoPasswordRendered(t *testing.T) {
	for host, fs := range Render(topology(t)) {
		for _, f := range fs {
			c := string(f.Content)
			if strings.Contains(c, "MASTER_PASSWORD") && !strings.Contains(c, "MASTER_PASSWORD='$(cat "+SecretFile+")'") {
				t.Errorf("%s %s: MASTER_PASSWORD not read from %s", host, f.Path, SecretFile)
			}
		}
	}
}
