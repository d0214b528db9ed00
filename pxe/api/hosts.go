package api

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/racksmith/racksmith/pxe/plan"
	"github.com/racksmith/racksmith/pxe/store"
)

// HostStore is what the provisioning API needs of the state.
type HostStore interface {
	PutIntent(mac string, in plan.Intent, reinstall bool) (store.PutResult, error)
	Status(mac string) (plan.Status, error)
	List() ([]plan.Status, error)
	Delete(mac string) error
	Quarantine(mac string) (plan.Status, error)
}

var _ HostStore = (*store.Store)(nil)

// ResetHeader says on a PUT answer whether a new install attempt began.
const ResetHeader = "X-Racksmith-Reset"

// Hosts serves the provisioning API under /api/v1/hosts, behind the API
// bearer token.
type Hosts struct {
	Store HostStore
	Token string // the API bearer token; empty refuses every request
	Log   *slog.Logger
}

// Register adds the provisioning routes to mux.
func (h *Hosts) Register(mux *http.ServeMux) {
	mux.HandleFunc("PUT /api/v1/hosts/{mac}", h.auth(h.put))
	mux.HandleFunc("GET /api/v1/hosts/{mac}", h.auth(h.get))
	mux.HandleFunc("GET /api/v1/hosts", h.auth(h.list))
	mux.HandleFunc("DELETE /api/v1/hosts/{mac}", h.auth(h.delete))
	mux.HandleFunc("POST /api/v1/hosts/{mac}/quarantine", h.auth(h.quarantine))
}

type hostHandler func(w http.ResponseWriter, r *http.Request, log *slog.Logger, mac string)

// auth checks the bearer token and normalizes the {mac} path value.
func (h *Hosts) auth(next hostHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		log := h.Log.With("remote", r.RemoteAddr, "method", r.Method, "path", r.URL.Path)
		tok, err := bearer(r)
		if err == nil && !tokenEqual(tok, h.Token) {
			err = store.ErrBadToken
		}
		if err != nil {
			fail(w, r, log, "api: refused", err)
			return
		}
		var mac string
		if raw := r.PathValue("mac"); raw != "" {
			if mac, err = store.NormalizeMAC(raw); err != nil {
				fail(w, r, log, "api: bad mac", err)
				return
			}
			log = log.With("mac", mac)
		}
		next(w, r, log, mac)
	}
}

func (h *Hosts) put(w http.ResponseWriter, r *http.Request, log *slog.Logger, mac string) {
	var in plan.Intent
	if err := decodeJSON(w, r, limitIntent, &in); err != nil {
		fail(w, r, log, "api: bad intent", err)
		return
	}
	reinstall, _ := strconv.ParseBool(r.URL.Query().Get("reinstall"))
	res, err := h.Store.PutIntent(mac, in, reinstall)
	if err != nil {
		fail(w, r, log, "api: intent refused", err)
		return
	}
	log.Info("api: intent", "mode", in.Mode, "reset", res.Reset, "reinstall", reinstall,
		"state", res.Status.State, "plan_hash", res.Status.PlanHash)
	w.Header().Set(ResetHeader, strconv.FormatBool(res.Reset))
	writeJSON(w, http.StatusOK, res.Status)
}

func (h *Hosts) get(w http.ResponseWriter, r *http.Request, log *slog.Logger, mac string) {
	st, err := h.Store.Status(mac)
	if err != nil {
		fail(w, r, log, "api: status", err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (h *Hosts) list(w http.ResponseWriter, r *http.Request, log *slog.Logger, _ string) {
	l, err := h.Store.List()
	if err != nil {
		fail(w, r, log, "api: list", err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

func (h *Hosts) delete(w http.ResponseWriter, r *http.Request, log *slog.Logger, mac string) {
	if err := h.Store.Delete(mac); err != nil {
		fail(w, r, log, "api: delete", err)
		return
	}
	log.Info("api: host forgotten")
	w.WriteHeader(http.StatusNoContent)
}

func (h *Hosts) quarantine(w http.ResponseWriter, r *http.Request, log *slog.Logger, mac string) {
	st, err := h.Store.Quarantine(mac)
	if err != nil {
		fail(w, r, log, "api: quarantine", err)
		return
	}
	log.Warn("api: host quarantined")
	writeJSON(w, http.StatusOK, st)
}
