package mx

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/modules/internal/checktest"
	"github.com/racksmith/racksmith/modules/render"
)

// Every rendered Postfix configuration passes `postfix check` in a scratch
// config_directory (queue and data directories moved there too) without a
// single warning, and postconf reads back the queue settings that carry
// mail through a database outage.
func TestPostfixCheck(t *testing.T) {
	postfix := checktest.Need(t, "postfix", "postfix")
	postconf := checktest.Need(t, "postconf", "postfix")
	files := Render(topology(t), Options{})
	for _, host := range files.Hosts() {
		dir := configDir(t, files[host])
		if out := checktest.Run(t, postfix, "-c", dir, "check"); strings.TrimSpace(out) != "" {
			t.Errorf("%s: postfix check warned:\n%s", host, out)
		}
		out := checktest.Run(t, postconf, "-c", dir, "-n")
		if strings.Contains(out, "warning:") {
			t.Errorf("%s: postconf -n warned:\n%s", host, out)
		}
		got := checktest.Run(t, postconf, "-c", dir, "-h", "maximal_queue_lifetime", "bounce_queue_lifetime", "queue_run_delay", "maximal_backoff_time")
		if got != "14d\n14d\n300s\n1800s\n" {
			t.Errorf("%s: queue settings read back as %q", host, got)
		}
		if out := checktest.Run(t, postconf, "-c", dir, "-M"); !strings.Contains(out, "submissions inet") {
			t.Errorf("%s: master.cf has no submissions service:\n%s", host, out)
		}
	}
	// A misspelt parameter is caught by the same checks.
	bad := append([]byte(nil), checktest.Find(t, files, files.Hosts()[0], MainCFPath).Content...)
	bad = append(bad, "maximal_queue_lifetim = 14d\n"...)
	fs := append(files[files.Hosts()[0]][:0:0], files[files.Hosts()[0]]...)
	for i := range fs {
		if fs[i].Path == MainCFPath {
			fs[i].Content = bad
		}
	}
	dir := configDir(t, fs)
	if out := checktest.Run(t, postconf, "-c", dir, "-n"); !strings.Contains(out, "unused parameter: maximal_queue_lifetim") {
		t.Errorf("postconf did not flag a misspelt parameter:\n%s", out)
	}
}

// The store's permanent errors are deferred, "no such mailbox" still
// bounces: checked with Postfix's own regexp table lookup.
func TestStatusFilter(t *testing.T) {
	postmap := checktest.Need(t, "postmap", "postfix")
	files := Render(topology(t), Options{})
	dir := configDir(t, files[files.Hosts()[0]])
	table := "regexp:" + filepath.Join(dir, "lmtp_status_filter")
	for in, want := range map[string]string{
		"5.3.0 database unavailable": "4.3.0 database unavailable",
		"5.2.2 mailbox full":         "4.2.2 mailbox full",
		"5.1.1 no such user":         "5.1.1 no such user",
		"4.4.1 connection refused":   "",
	} {
		// -c: the rendered main.cf, not the machine's (a fresh one has none)
		out, _ := runQuiet(postmap, "-c", dir, "-q", in, table)
		if strings.TrimSpace(out) != want {
			t.Errorf("status %q -> %q, want %q", in, strings.TrimSpace(out), want)
		}
	}
}

// configDir writes one host's /etc/postfix files into a scratch config
// directory, with queue and data directories inside it.
func configDir(t *testing.T, fs []renderFile) string {
	t.Helper()
	root := t.TempDir()
	for _, f := range fs {
		checktest.Write(t, root, f, nil)
	}
	dir := filepath.Join(root, "etc/postfix")
	for _, d := range []string{"spool", "lib"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, "main.cf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("# test only\nqueue_directory = " + root + "/spool\ndata_directory = " + root + "/lib\n"); err != nil {
		t.Fatal(err)
	}
	return dir
}

type renderFile = render.File

func runQuiet(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).Output()
	return string(out), err
}
