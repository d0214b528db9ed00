package ipxe

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/racksmith/racksmith/pxe/store"
)

// Booter decides what a host boots and mints the token of that boot.
type Booter interface {
	BootFor(mac string, discovery bool) (store.Boot, error)
}

var _ Booter = (*store.Store)(nil)

// Handler serves GET /boot/{mac}.ipxe and GET /files/{path...}.
type Handler struct {
	Store     Booter
	Config    Config
	Discovery bool   // unknown MACs boot the installer in discovery mode
	FilesDir  string // directory served under /files/
	Log       *slog.Logger
}

// Register adds the handler's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /boot/{file}", h.boot)
	mux.Handle("GET /files/{path...}", &Files{Dir: h.FilesDir, Log: h.Log})
}

func (h *Handler) boot(w http.ResponseWriter, r *http.Request) {
	log := h.Log.With("remote", r.RemoteAddr, "path", r.URL.Path)
	file := r.PathValue("file")
	raw, ok := strings.CutSuffix(file, ".ipxe")
	if !ok {
		log.Warn("boot script: name must end in .ipxe")
		http.Error(w, "boot script name must be {mac}.ipxe", http.StatusNotFound)
		return
	}
	mac, err := store.NormalizeMAC(raw)
	if err != nil {
		log.Warn("boot script: bad mac", "err", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	log = log.With("mac", mac)
	b, err := h.Store.BootFor(mac, h.Discovery)
	if err != nil {
		log.Error("boot script: decide", "err", err)
		http.Error(w, "boot decision failed", http.StatusInternalServerError)
		return
	}
	s, err := Script(b, h.Config)
	if err != nil {
		log.Error("boot script: render", "err", err)
		http.Error(w, "boot script failed", http.StatusInternalServerError)
		return
	}
	log.Info("boot script", "boot", b.Kind, "state", b.State, "hostname", b.Hostname, "reason", b.Reason)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(s))
}
