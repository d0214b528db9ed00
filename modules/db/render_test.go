package db

import (
	"fmt"
	"strings"
	"testing"

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

func TestWeights(t *testing.T) {
	for n, want := range map[int]string{1: "[1]", 2: "[2 1]", 3: "[1 1 1]", 4: "[2 1 1 1]", 5: "[1 1 1 1 1]"} {
		if got := fmt.Sprint(Weights(n)); got != want {
			t.Errorf("Weights(%d) = %s, want %s", n, got, want)
		}
	}
}

// The server parses every node's drop-in and ends up with the cluster the
// inventory describes: all primary-site db nodes as gcomm:// peers,
// distinct server ids, binary logs for the replica to read.
func TestMariaDBParses(t *testing.T) {
	topo := topology(t)
	files := Render(topo)
	peers := "gcomm://" + strings.Join(render.Addrs(topo.With(render.RoleDB, "fra1")), ",")
	ids := map[string]string{}
	for _, host := range files.Hosts() {
		cnf := checktest.Write(t, t.TempDir(), checktest.Find(t, files, host, ConfigPath), nil)
		v := checktest.MariaDB(t, cnf)
		for k, want := range map[string]string{
			"wsrep-on": "TRUE", "wsrep-cluster-address": peers, "wsrep-cluster-name": "racksmith-fra1",
			"log-slave-updates": "TRUE", "binlog-format": "ROW", "wsrep-gtid-mode": "TRUE", "read-only": "FALSE",
		} {
			if v[k] != want {
				t.Errorf("%s: %s = %q, want %q", host, k, v[k], want)
			}
		}
		if other, dup := ids[v["server-id"]]; dup {
			t.Errorf("%s and %s share server_id %s", host, other, v["server-id"])
		}
		ids[v["server-id"]] = host
	}
	if len(ids) < render.MinDBNodes {
		t.Fatalf("only %d db nodes rendered", len(ids))
	}
	// A wrong value in the same file is refused by the same parse.
	bad := checktest.Find(t, files, files.Hosts()[0], ConfigPath)
	bad.Content = []byte(strings.Replace(string(bad.Content), "binlog_format = ROW", "binlog_format = LINES", 1))
	out := checktest.Fails(t, checktest.Need(t, "mariadbd", "mariadb-server"), "--defaults-file="+checktest.Write(t, t.TempDir(), bad, nil), "--user=root", "--help", "--verbose")
	if !strings.Contains(out, "binlog_format") {
		t.Errorf("mariadbd refused the broken file for another reason:\n%s", out)
	}
}
