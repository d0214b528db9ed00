package db

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/racksmith/racksmith/modules/internal/checktest"
	"github.com/racksmith/racksmith/modules/render"
)

// The rendered Galera drop-ins of the primary site's three db nodes, run
// for real (each node in its own namespace, on one segment): the cluster
// forms; losing one node leaves it Primary and writable with the other
// two; losing a second leaves the last node without quorum, refusing
// writes. Only host paths move (data, socket) and the gcache shrinks from
// 1G to 32M to spare this machine's disk.
func TestGaleraQuorum(t *testing.T) {
	mariadbd := checktest.Need(t, "mariadbd", "mariadb-server")
	installDB := checktest.Need(t, "mariadb-install-db", "mariadb-server")
	client := checktest.Need(t, "mariadb", "mariadb-client")
	checktest.Need(t, "rsync", "rsync") // state transfer
	topo := topology(t)
	files := Render(topo)
	nodes := topo.With(render.RoleDB, topo.PrimarySite)
	if len(nodes) != 3 {
		t.Fatalf("%d db nodes, the test wants 3", len(nodes))
	}
	root, err := os.MkdirTemp("", "rs-modules-galera-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	tmpl := filepath.Join(root, "template")
	checktest.Run(t, installDB, "--no-defaults", "--datadir="+tmpl, "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db")

	var ns []*checktest.NS
	for range nodes {
		ns = append(ns, checktest.Netns(t))
	}
	checktest.Switch(t, "eth0", ns...)
	procs := make([]*exec.Cmd, len(nodes))
	sock := make([]string, len(nodes))
	for i, h := range nodes {
		ns[i].AddAddrDev(t, "eth0", h.Prefix.String())
		dir := filepath.Join(root, h.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		checktest.Run(t, "cp", "-a", tmpl, filepath.Join(dir, "data"))
		// As installed, the server and its state transfer run as mysql.
		checktest.Run(t, "chown", "-R", "mysql:mysql", dir)
		sock[i] = filepath.Join(dir, "mysqld.sock")
		cnf := checktest.Write(t, dir, checktest.Find(t, files, h.Name, ConfigPath), strings.NewReplacer("gcache.size=1G", "gcache.size=32M"))
		checktest.Run(t, "chown", "-R", "mysql:mysql", dir)
		args := []string{mariadbd, "--defaults-file=" + cnf, "--user=mysql", "--datadir=" + filepath.Join(dir, "data"),
			"--socket=" + sock[i], "--pid-file=" + filepath.Join(dir, "mysqld.pid"), "--log-error=" + filepath.Join(dir, "error.log"),
			"--innodb-buffer-pool-size=32M"}
		if i == 0 {
			args = append(args, "--wsrep-new-cluster")
		}
		procs[i] = ns[i].Cmd(args...)
		if err := procs[i].Start(); err != nil {
			t.Fatal(err)
		}
		p, log := procs[i], filepath.Join(dir, "error.log")
		t.Cleanup(func() {
			p.Process.Kill()
			p.Wait()
			if t.Failed() {
				b, _ := os.ReadFile(log)
				t.Logf("%s error.log (state transfer and errors, then the tail):\n%s\n...\n%s", h.Name, grepLines(string(b), "WSREP_SST", "[ERROR]"), tail(string(b), 15))
			}
		})
		// Join one at a time: each joiner takes a state transfer.
		waitStatus(t, client, sock[0], "wsrep_cluster_size", itoa(i+1), 40*time.Second)
	}
	sql := func(i int, q string) (string, error) {
		out, err := exec.Command(client, "-S", sock[i], "-uroot", "--batch", "--skip-column-names", "-e", q).CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	if _, err := sql(0, "CREATE DATABASE probe; CREATE TABLE probe.m (id INT PRIMARY KEY); INSERT INTO probe.m VALUES (1)"); err != nil {
		t.Fatalf("write on a full cluster: %v", err)
	}

	// One node lost: two of three remain, the cluster stays Primary and writable.
	procs[2].Process.Kill()
	waitStatus(t, client, sock[0], "wsrep_cluster_size", "2", 60*time.Second)
	waitStatus(t, client, sock[1], "wsrep_cluster_size", "2", 30*time.Second)
	waitStatus(t, client, sock[1], "wsrep_cluster_status", "Primary", 10*time.Second)
	waitStatus(t, client, sock[1], "wsrep_ready", "ON", 10*time.Second)
	if out, err := sql(1, "INSERT INTO probe.m VALUES (2)"); err != nil {
		t.Fatalf("write with two of three nodes: %v %s", err, out)
	}
	if out, _ := sql(0, "SELECT COUNT(*) FROM probe.m"); out != "2" {
		t.Fatalf("rows seen by %s: %q", nodes[0].Name, out)
	}

	// A second node lost: the last one has no quorum and refuses writes.
	procs[1].Process.Kill()
	waitStatus(t, client, sock[0], "wsrep_cluster_status", "non-Primary", 60*time.Second)
	if out, err := sql(0, "INSERT INTO probe.m VALUES (3)"); err == nil {
		t.Fatalf("a lone node accepted a write: %s", out)
	}
}

func status(client, sock, name string) string {
	out, err := exec.Command(client, "-S", sock, "-uroot", "--batch", "--skip-column-names", "-e", "SHOW STATUS LIKE '"+name+"'").CombinedOutput()
	if err != nil {
		return ""
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		return ""
	}
	return f[1]
}

func waitStatus(t *testing.T, client, sock, name, want string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		got := status(client, sock, name)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %q after %s, want %q", name, got, d, want)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	l := strings.Split(s, "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

func grepLines(s string, subs ...string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		for _, sub := range subs {
			if strings.Contains(l, sub) {
				out = append(out, l)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

func itoa(i int) string { return string(rune('0' + i)) }
