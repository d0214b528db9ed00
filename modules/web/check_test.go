package web

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/racksmith/racksmith/modules/internal/checktest"
)

// Every rendered nginx.conf passes `nginx -t` with self-signed certificates
// at its certificate paths; the host paths (pid, logs, certificates) are
// moved under a scratch prefix so the check touches nothing of this machine.
func TestNginxCheck(t *testing.T) {
	nginx := checktest.Need(t, "nginx", "nginx-light")
	for _, stack := range []string{"example", "lab"} {
		files := Render(topology(t, stack), Options{})
		for _, host := range files.Hosts() {
			dir := t.TempDir()
			cert, key := filepath.Join(dir, "tls/web.crt"), filepath.Join(dir, "tls/web.key")
			checktest.SelfSigned(t, cert, key, host)
			rw := strings.NewReplacer(
				DefaultOptions.CertFile, cert, DefaultOptions.KeyFile, key,
				"/run/nginx.pid", filepath.Join(dir, "nginx.pid"),
				"/var/log/nginx/", dir+"/",
			)
			conf := checktest.Write(t, dir, checktest.Find(t, files, host, NginxPath), rw)
			checktest.Run(t, nginx, "-t", "-q", "-e", filepath.Join(dir, "startup.log"), "-p", dir, "-c", conf)
		}
		if stack == "example" {
			dir := t.TempDir()
			bad := checktest.Find(t, files, files.Hosts()[0], NginxPath)
			bad.Content = []byte(strings.Replace(string(bad.Content), "stub_status;", "stub_status on_steroids;", 1))
			checktest.Fails(t, nginx, "-t", "-q", "-e", filepath.Join(dir, "startup.log"), "-p", dir, "-c", checktest.Write(t, dir, bad, nil))
		}
	}
}
