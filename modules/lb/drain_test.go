package lb

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/racksmith/racksmith/modules/internal/checktest"
	"github.com/racksmith/racksmith/modules/render"
	"github.com/racksmith/racksmith/modules/web"
)

// The rendered lb and web configurations, run for real in a namespace:
// haproxy on the site's VIP in front of two nginx web hosts (self-signed
// certificates) in front of an application. HTTPS through the VIP reaches
// the application; touching a web host's drain file takes it out of the
// balancer through its /healthz, removing the file brings it back, and the
// service answers all along.
func TestDrainWebHost(t *testing.T) {
	haproxy := checktest.Need(t, "haproxy", "haproxy")
	nginx := checktest.Need(t, "nginx", "nginx-light")
	topo := topology(t)
	lbFiles := Render(topo)
	webFiles := web.Render(topo, web.Options{})
	lbHost := topo.With(render.RoleLB, "fra1")[0]
	webs := topo.With(render.RoleWeb, "fra1")[:2]
	vip := topo.VIPs["fra1"].Addr()

	ns := checktest.Netns(t)
	ns.AddAddr(t, vip.String()+"/32", webs[0].Addr.String()+"/32", webs[1].Addr.String()+"/32")
	root, err := os.MkdirTemp("", "rs-modules-lb-") // nginx workers (www-data) stat the drain file in it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}

	// The application every web host proxies to, on the namespace's loopback.
	var app net.Listener
	if err := ns.Do(func() (err error) { app, err = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", render.PortApp)); return }); err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "app ok") })}
	go srv.Serve(app)
	t.Cleanup(func() { srv.Close() })

	drain := map[string]string{}
	for _, h := range webs {
		dir := filepath.Join(root, h.Name)
		cert, key := filepath.Join(dir, "tls/web.crt"), filepath.Join(dir, "tls/web.key")
		checktest.SelfSigned(t, cert, key, h.Name)
		drain[h.Name] = filepath.Join(dir, "drain")
		rw := strings.NewReplacer(
			web.DefaultOptions.CertFile, cert, web.DefaultOptions.KeyFile, key,
			"/run/nginx.pid", filepath.Join(dir, "nginx.pid"), "/var/log/nginx/", dir+"/",
			render.DrainFile, drain[h.Name],
			// Both web hosts share the namespace: each listens on its address only.
			fmt.Sprintf("listen %d ", render.PortHTTPS), fmt.Sprintf("listen %s:%d ", h.Addr, render.PortHTTPS),
			fmt.Sprintf("listen %d;", render.PortWebHealth), fmt.Sprintf("listen %s:%d;", h.Addr, render.PortWebHealth),
		)
		conf := checktest.Write(t, dir, checktest.Find(t, webFiles, h.Name, web.NginxPath), rw)
		start(t, ns.Cmd(nginx, "-e", filepath.Join(dir, "error.log"), "-p", dir, "-c", conf, "-g", "daemon off;"), filepath.Join(dir, "error.log"))
	}
	dir := filepath.Join(root, lbHost.Name)
	rw := strings.NewReplacer("/run/haproxy/admin.sock", filepath.Join(dir, "admin.sock"), "    daemon\n", "",
		// haproxy wants 2 fds per connection; this machine caps a process at
		// 20000 (an install raises it through the unit's LimitNOFILE).
		"maxconn 20000", "maxconn 4000")
	cfg := checktest.Write(t, dir, checktest.Find(t, lbFiles, lbHost.Name, HAProxyPath), rw)
	start(t, ns.Cmd(haproxy, "-db", "-f", cfg), "")

	client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true},
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (c net.Conn, err error) {
			err = ns.Do(func() error { c, err = (&net.Dialer{}).DialContext(ctx, network, addr); return err })
			return c, err
		},
	}}
	get := func(url string) (string, error) {
		resp, err := client.Get(url)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	state := func(server string) string {
		body, err := get(fmt.Sprintf("http://%s:%d/metrics", vip, render.PortHAProxyStats))
		if err != nil {
			return ""
		}
		sc := bufio.NewScanner(strings.NewReader(body))
		for sc.Scan() {
			l := sc.Text()
			if strings.HasPrefix(l, "haproxy_server_status{") && strings.Contains(l, `proxy="web_https"`) &&
				strings.Contains(l, `server="`+server+`"`) && strings.HasSuffix(l, " 1") {
				i := strings.Index(l, `state="`)
				return strings.SplitN(l[i+7:], `"`, 2)[0]
			}
		}
		return ""
	}
	wait := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s (%s: %s, %s: %s)", what, webs[0].Name, state(webs[0].Name), webs[1].Name, state(webs[1].Name))
			}
			time.Sleep(300 * time.Millisecond)
		}
	}
	serves := func() bool {
		body, err := get(fmt.Sprintf("https://%s/", vip))
		return err == nil && body == "app ok"
	}

	wait("both web hosts up", func() bool { return state(webs[0].Name) == "UP" && state(webs[1].Name) == "UP" })
	if !serves() {
		t.Fatal("HTTPS through the VIP does not reach the application")
	}
	if err := os.WriteFile(drain[webs[0].Name], nil, 0o644); err != nil {
		t.Fatal(err)
	}
	wait(webs[0].Name+" drained", func() bool { return state(webs[0].Name) == "DOWN" })
	if state(webs[1].Name) != "UP" || !serves() {
		t.Fatalf("service lost while %s drains", webs[0].Name)
	}
	if err := os.Remove(drain[webs[0].Name]); err != nil {
		t.Fatal(err)
	}
	wait(webs[0].Name+" back", func() bool { return state(webs[0].Name) == "UP" })
	if !serves() {
		t.Fatal("service lost after the host came back")
	}
}

// start runs cmd until the test ends, then stops it with SIGTERM (nginx's
// master takes its workers down with it); its output goes to a file shown
// when the test fails.
func start(t *testing.T, cmd *exec.Cmd, log string) {
	t.Helper()
	out, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			b, _ := os.ReadFile(out.Name())
			if log != "" {
				l, _ := os.ReadFile(log)
				b = append(b, l...)
			}
			t.Logf("%s:\n%s", cmd.Args, b)
		}
	})
}
