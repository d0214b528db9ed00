package server

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/racksmith/racksmith/pxe/api"
	"github.com/racksmith/racksmith/pxe/dhcp"
	"github.com/racksmith/racksmith/pxe/ipxe"
	"github.com/racksmith/racksmith/pxe/store"
)

// newHandler wires every HTTP endpoint of docs/contracts.md onto one mux,
// wrapped in the request log and the metrics.
func newHandler(cfg Config, st *store.Store, reg *prometheus.Registry, m *metrics, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	(&ipxe.Handler{
		Store: st, Discovery: cfg.Discovery, FilesDir: cfg.FilesDir, Log: log,
		Config: ipxe.Config{BaseURL: cfg.BaseURL, Kernel: cfg.Kernel, Initrd: cfg.Initrd, ExtraArgs: cfg.KernelArgs},
	}).Register(mux)
	newBootFiles(cfg.TFTPRoot, dhcp.Files{UEFI: cfg.UEFIBinary}, log).register(mux)
	(&api.Agent{Store: st, BaseURL: cfg.BaseURL, Observer: m, Log: log}).Register(mux)
	(&api.Hosts{Store: st, Token: cfg.APIToken, Log: log}).Register(mux)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := st.Ping(); err != nil {
			log.Error("healthz: state unreadable", "err", err)
			http.Error(w, "state unreadable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	return accessLog(m.instrument(mux), log)
}

// accessLog writes one line per request, with the host's MAC when the
// path names one or the handler learnt it from a token. Query strings are not logged (nothing secret is sent in
// them, but nothing is gained either); Authorization never is.
func accessLog(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		ctx, info := api.WithInfo(r.Context())
		r = r.WithContext(ctx)
		next.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		attrs := []any{"method", r.Method, "path", r.URL.Path, "status", sw.code,
			"remote", r.RemoteAddr, "ms", time.Since(start).Milliseconds()}
		mac := requestMAC(r)
		if mac == "" {
			mac = info.MAC
		}
		if mac != "" {
			attrs = append(attrs, "mac", mac)
		}
		lvl := slog.LevelInfo
		if r.URL.Path == "/metrics" || r.URL.Path == "/healthz" {
			lvl = slog.LevelDebug
		}
		log.Log(r.Context(), lvl, "http request", attrs...)
	})
}

// requestMAC is the MAC a request's path names, normalized, or "".
func requestMAC(r *http.Request) string {
	raw := r.PathValue("mac")
	if raw == "" {
		raw, _ = strings.CutSuffix(r.PathValue("file"), ".ipxe")
	}
	if raw == "" {
		return ""
	}
	mac, err := store.NormalizeMAC(raw)
	if err != nil {
		return ""
	}
	return mac
}
