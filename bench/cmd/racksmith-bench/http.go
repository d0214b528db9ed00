package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/racksmith/racksmith/pxe/ipxe"
)

type httpResult struct {
	server      string
	reqPerSec   float64
	bytesPerSec float64
	errors      string
}

const fileName = "big.bin"

func (b *bench) runHTTP(ctx context.Context, o options) ([]httpResult, error) {
	if _, err := exec.LookPath("wrk"); err != nil {
		return nil, fmt.Errorf("wrk is missing: install Debian wrk (scripts/apt-packages.txt)")
	}
	if err := ipCmd("-n", b.clientNS, "addr", "add", clientAddr.String(), "dev", clientIf); err != nil {
		return nil, err
	}
	files := b.path("files")
	if err := writeFile(files, fileName, int64(o.fileMB)<<20); err != nil {
		return nil, err
	}
	srv := serverAddr.Addr().String()
	var out []httpResult
	for _, name := range []string{"racksmith", "nginx"} {
		var cmd *exec.Cmd
		var err error
		var url string
		switch name {
		case "racksmith":
			self, _ := os.Executable()
			url = "http://" + srv + ":8080/files/" + fileName
			cmd, err = b.start(b.serverNS, "http-racksmith.log", self, "serve-http", "-addr", srv+":8080", "-dir", files)
		case "nginx":
			url = "http://" + srv + ":8081/files/" + fileName
			if err := b.writeNginxConfig(files, srv+":8081"); err != nil {
				return nil, err
			}
			cmd, err = b.start(b.serverNS, "nginx.log", "nginx", "-p", b.path("nginx"), "-c", b.path("nginx/nginx.conf"), "-e", b.path("nginx/error.log"))
		}
		if err != nil {
			return nil, err
		}
		if err := b.waitHTTP(ctx, url); err != nil {
			b.stop(cmd)
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		r, err := b.wrk(ctx, o, url)
		b.stop(cmd)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		r.server = name
		b.log.Info("http", "server", name, "MB_per_s", fmt.Sprintf("%.0f", r.bytesPerSec/1e6), "req_per_s", fmt.Sprintf("%.2f", r.reqPerSec))
		out = append(out, r)
	}
	return out, nil
}

func writeFile(dir, name string, size int64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.Create(dir + "/" + name)
	if err != nil {
		return err
	}
	r := rand.NewChaCha8([32]byte{1})
	buf := make([]byte, 1<<20)
	for n := int64(0); n < size; n += int64(len(buf)) {
		r.Read(buf)
		if _, err := f.Write(buf[:min(int64(len(buf)), size-n)]); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

func (b *bench) writeNginxConfig(files, listen string) error {
	dir := b.path("nginx")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	conf := fmt.Sprintf(`daemon off;
worker_processes auto;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
user root;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  client_body_temp_path %[1]s/tmp;
  proxy_temp_path %[1]s/tmp;
  fastcgi_temp_path %[1]s/tmp;
  uwsgi_temp_path %[1]s/tmp;
  scgi_temp_path %[1]s/tmp;
  default_type application/octet-stream;
  server {
    listen %[2]s;
    location /files/ { alias %[3]s/; }
  }
}
`, dir, listen, files)
	return os.WriteFile(dir+"/nginx.conf", []byte(conf), 0o644)
}

func (b *bench) waitHTTP(ctx context.Context, url string) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		out, err := exec.CommandContext(ctx, "ip", "netns", "exec", b.clientNS, "wrk", "-t1", "-c1", "-d1s", "--timeout", "5s", url).CombinedOutput()
		if err == nil && strings.Contains(string(out), "Transfer/sec") && !strings.Contains(string(out), "Non-2xx") {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return errors.New("not answering 200 within 10 s")
}

var (
	reqRe  = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	xferRe = regexp.MustCompile(`Transfer/sec:\s+([0-9.]+)([KMGT]?B)`)
	errRe  = regexp.MustCompile(`(Socket errors:.*|Non-2xx.*)`)
)

func (b *bench) wrk(ctx context.Context, o options, url string) (httpResult, error) {
	ctx, cancel := context.WithTimeout(ctx, o.httpDur+60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ip", "netns", "exec", b.clientNS, "wrk", "-t2",
		"-c"+strconv.Itoa(o.httpConns), "-d"+o.httpDur.String(), "--timeout", "60s", url).CombinedOutput()
	if err != nil {
		return httpResult{}, fmt.Errorf("wrk: %v: %s", err, out)
	}
	var r httpResult
	m := reqRe.FindSubmatch(out)
	x := xferRe.FindSubmatch(out)
	if m == nil || x == nil {
		return r, fmt.Errorf("wrk output not understood: %s", out)
	}
	r.reqPerSec, _ = strconv.ParseFloat(string(m[1]), 64)
	v, _ := strconv.ParseFloat(string(x[1]), 64)
	r.bytesPerSec = v * map[string]float64{"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40}[string(x[2])]
	r.errors = strings.Join(strings.Fields(string(errRe.Find(out))), " ")
	return r, nil
}

// serveHTTP is racksmith's file handler (pxe/ipxe.Files, the boot server's
// GET /files/{path...}) as its own process.
func serveHTTP(args []string) error {
	fs := flag.NewFlagSet("serve-http", flag.ContinueOnError)
	addr := fs.String("addr", "", "listen address")
	dir := fs.String("dir", "", "directory served under /files/")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	mux := http.NewServeMux()
	mux.Handle("GET /files/{path...}", &ipxe.Files{Dir: *dir, Log: log})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
