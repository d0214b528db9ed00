package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `roles render` lists every host's files and writes them with --out;
// `roles diff` reports exactly the hosts a moved web server affects.
func TestRolesRenderAndDiff(t *testing.T) {
	var out, errb bytes.Buffer
	dir := t.TempDir()
	if err := runRolesRender(&out, &errb, "../../stacks/example", dir); err != nil {
		t.Fatalf("roles render: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "fra1-lb1             /etc/haproxy/haproxy.cfg") {
		t.Errorf("render output lacks fra1-lb1's haproxy.cfg:\n%s", out.String())
	}
	if b, err := os.ReadFile(filepath.Join(dir, "fra1-mx1/etc/postfix/main.cf")); err != nil || !bytes.Contains(b, []byte("maximal_queue_lifetime = 14d")) {
		t.Errorf("--out did not write fra1-mx1's main.cf: %v", err)
	}

	moved := t.TempDir()
	for _, f := range mustGlob(t, "../../stacks/example/*.hcl") {
		b, _ := os.ReadFile(f)
		b = bytes.Replace(b, []byte(`address = "10.110.2.30/22"`), []byte(`address = "10.110.2.130/22"`), 1)
		if err := os.WriteFile(filepath.Join(moved, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	err := runRolesDiff(&out, &errb, "../../stacks/example", moved)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 {
		t.Fatalf("roles diff = %v, want exit 2\n%s", err, errb.String())
	}
	got := out.String()
	for _, want := range []string{"fra1-lb1: ~/etc/haproxy/haproxy.cfg\n", "fra1-dns1: ~/var/lib/knot/zones/example.net.zone\n", "fra1-monitor1: ~/etc/prometheus/prometheus.yml\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("diff lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "mx") || strings.Contains(got, "db") {
		t.Errorf("diff touches hosts that do not refer to the moved web server:\n%s", got)
	}
	out.Reset()
	if err := runRolesDiff(&out, &errb, "../../stacks/example", "../../stacks/example"); err != nil || !strings.Contains(out.String(), "No host") {
		t.Errorf("diff of identical inventories = %v, %q", err, out.String())
	}
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil || len(m) == 0 {
		t.Fatalf("glob %s: %v", pattern, err)
	}
	return m
}
