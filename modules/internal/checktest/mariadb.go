package checktest

import (
	"os/exec"
	"strings"
	"testing"
)

// MariaDB has the MariaDB server parse the option file cnf exactly as it
// would at start-up (`mariadbd --defaults-file=cnf --help --verbose`):
// unknown options and invalid values fail the test, adjusted values too.
// It returns the server's resulting variables, by option name with dashes.
// MariaDB 10.11 has no --validate-config; the Galera provider is not loaded
// this way (it would try to join the cluster).
func MariaDB(t *testing.T, cnf string) map[string]string {
	t.Helper()
	bin := Need(t, "mariadbd", "mariadb-server")
	out, err := exec.Command(bin, "--defaults-file="+cnf, "--user=root", "--help", "--verbose").CombinedOutput()
	if err != nil {
		t.Fatalf("mariadbd refused %s: %v\n%s", cnf, err, errorLines(string(out)))
	}
	if e := errorLines(string(out)); e != "" {
		t.Fatalf("mariadbd warned about %s:\n%s", cnf, e)
	}
	vars := map[string]string{}
	table := false
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "-----") {
			table = true
			continue
		}
		if f := strings.Fields(l); table && len(f) >= 1 {
			vars[f[0]] = strings.TrimSpace(strings.TrimPrefix(l, f[0]))
		}
	}
	return vars
}

// errorLines keeps the server's [ERROR] lines and the warnings about option
// values; the warning about max_open_files is the machine's, not ours.
func errorLines(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "[ERROR]") || strings.Contains(l, "[Warning] option") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
