package monitor

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/modules/internal/checktest"
)

// Every prometheus.yml passes `promtool check config` (which also checks
// the rule file it names) and the rules pass `promtool check rules`.
func TestPromtool(t *testing.T) {
	promtool := checktest.Need(t, "promtool", "prometheus")
	for _, stack := range []string{"example", "lab"} {
		files := Render(topology(t, stack))
		for _, host := range files.Hosts() {
			dir := t.TempDir()
			rw := strings.NewReplacer(RulesPath, filepath.Join(dir, RulesPath))
			conf := checktest.Write(t, dir, checktest.Find(t, files, host, ConfigPath), rw)
			rules := checktest.Write(t, dir, checktest.Find(t, files, host, RulesPath), nil)
			checktest.Run(t, promtool, "check", "config", conf)
			checktest.Run(t, promtool, "check", "rules", rules)
		}
	}
	files := Render(topology(t, "example"))
	bad := checktest.Find(t, files, files.Hosts()[0], RulesPath)
	bad.Content = []byte(strings.Replace(string(bad.Content), "== 0", "=== 0", 1))
	checktest.Fails(t, promtool, "check", "rules", checktest.Write(t, t.TempDir(), bad, nil))
}

// The alerts fire when they should: promtool's rule unit tests feed series
// through the rendered rules. Every server of stacks/example reports up
// except fra1-lb1; expected alerts are written out by hand.
func TestAlertsFire(t *testing.T) {
	promtool := checktest.Need(t, "promtool", "prometheus")
	topo := topology(t, "example")
	files := Render(topo)
	dir := t.TempDir()
	rules := checktest.Write(t, dir, checktest.Find(t, files, files.Hosts()[0], RulesPath), nil)
	var series strings.Builder
	for _, h := range topo.Hosts {
		labels := fmt.Sprintf(`job="node",instance=%q,site=%q`, h.Name, h.Site)
		for _, r := range h.Roles {
			labels += fmt.Sprintf(`,%s="true"`, RoleLabel(r))
		}
		values := "1x40"
		if h.Name == "fra1-lb1" {
			values = "0x40"
		}
		fmt.Fprintf(&series, "      - series: 'up{%s}'\n        values: '%s'\n", labels, values)
	}
	test := strings.NewReplacer("RULES", rules, "SERIES\n", series.String())
	tmpl, err := os.ReadFile(filepath.Join("testdata", "alerts_test.yml"))
	if err != nil {
		t.Fatal(err)
	}
	tf := filepath.Join(dir, "alerts_test.yml")
	if err := os.WriteFile(tf, []byte(test.Replace(string(tmpl))), 0o644); err != nil {
		t.Fatal(err)
	}
	checktest.Run(t, promtool, "test", "rules", tf)
}
