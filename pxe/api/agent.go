package api

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/racksmith/racksmith/pxe/plan"
	"github.com/racksmith/racksmith/pxe/store"
)

// AgentStore is what the installer agent's endpoints need of the state.
// Every call authenticates by token and returns the token's MAC (empty when
// the token is unknown).
type AgentStore interface {
	AgentPlan(tok string) (string, plan.Plan, error)
	AgentKey(tok string) (string, string, error)
	AgentRecoveryKey(tok string) (string, string, error)
	AddEvent(tok string, ev plan.Event) (string, error)
	Finish(tok string, res plan.Result) (string, plan.Status, error)
	Facts(tok string, f plan.Facts) (string, error)
	Unlock(tok string) (string, string, error)
	Booted(tok string, ev plan.Event) (string, error)
	BootPlan(tok string) (string, plan.BootPlan, error)
	Delivered(tok string, d plan.Delivery) (string, error)
}

var _ AgentStore = (*store.Store)(nil)

// Observer is told when an install, wipe or discovery finishes (metrics).
type Observer interface {
	Finished(mode plan.Mode, state string)
}

// Agent serves the installer agent's endpoints under /api/v1/agent/.
type Agent struct {
	Store AgentStore
	// BaseURL is the server's URL as hosts reach it; the plan's unlock URL
	// is BaseURL + /api/v1/agent/unlock unless the plan names one.
	BaseURL  string
	Observer Observer // may be nil
	Log      *slog.Logger
}

// Register adds the agent routes to mux.
func (a *Agent) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/agent/plan", a.plan)
	mux.HandleFunc("GET /api/v1/agent/key", a.key)
	mux.HandleFunc("GET /api/v1/agent/recovery-key", a.recoveryKey)
	mux.HandleFunc("POST /api/v1/agent/events", a.events)
	mux.HandleFunc("POST /api/v1/agent/result", a.result)
	mux.HandleFunc("POST /api/v1/agent/facts", a.facts)
	mux.HandleFunc("POST /api/v1/agent/unlock", a.unlock)
	mux.HandleFunc("POST /api/v1/agent/booted", a.booted)
	mux.HandleFunc("GET /api/v1/agent/boot-plan", a.bootPlan)
	mux.HandleFunc("POST /api/v1/agent/delivered", a.delivered)
}

// start logs nothing secret: the token stays in the request.
func (a *Agent) start(w http.ResponseWriter, r *http.Request) (string, *slog.Logger, bool) {
	log := a.Log.With("remote", r.RemoteAddr, "path", r.URL.Path)
	tok, err := bearer(r)
	if err != nil {
		fail(w, r, log, "agent: refused", err)
		return "", log, false
	}
	return tok, log, true
}

// withMAC adds the token's MAC to the handler's logger and to the
// request's RequestInfo (for the access log).
func withMAC(r *http.Request, log *slog.Logger, mac string) *slog.Logger {
	if mac == "" {
		return log
	}
	if info := InfoFrom(r.Context()); info != nil {
		info.MAC = mac
	}
	return log.With("mac", mac)
}

func (a *Agent) plan(w http.ResponseWriter, r *http.Request) {
	tok, log, ok := a.start(w, r)
	if !ok {
		return
	}
	mac, p, err := a.Store.AgentPlan(tok)
	log = withMAC(r, log, mac)
	if err != nil {
		fail(w, r, log, "agent: plan refused", err)
		return
	}
	if p.Unlock.Token != "" && p.Unlock.URL == "" {
		p.Unlock.URL = strings.TrimRight(a.BaseURL, "/") + "/api/v1/agent/unlock"
	}
	log.Info("agent: plan handed out", "hostname", p.Hostname, "mode", p.Mode)
	writeJSON(w, http.StatusOK, p)
}

func (a *Agent) key(w http.ResponseWriter, r *http.Request) {
	tok, log, ok := a.start(w, r)
	if !ok {
		return
	}
	mac, key, err := a.Store.AgentKey(tok)
	log = withMAC(r, log, mac)
	if err != nil {
		fail(w, r, log, "agent: key refused", err)
		return
	}
	log.Info("agent: key handed out")
	writeSecret(w, key)
}

func (a *Agent) recoveryKey(w http.ResponseWriter, r *http.Request) {
	tok, log, ok := a.start(w, r)
	if !ok {
		return
	}
	mac, key, err := a.Store.AgentRecoveryKey(tok)
	log = withMAC(r, log, mac)
	if err != nil {
		fail(w, r, log, "agent: recovery key refused", err)
		return
	}
	log.Info("agent: recovery key handed out (dropped here)")
	writeSecret(w, key)
}

func (a *Agent) events(w http.ResponseWriter, r *http.Request) {
	tok, log, ok := a.start(w, r)
	if !ok {
		return
	}
	var ev plan.Event
	if err := decodeJSON(w, r, limitEvent, &ev); err != nil {
		fail(w, r, log, "agent: bad event", err)
		return
	}
	mac, err := a.Store.AddEvent(tok, ev)
	log = withMAC(r, log, mac)
	if err != nil {
		fail(w, r, log, "agent: event refused", err)
		return
	}
	log.Info("agent: event", "stage", ev.Stage, "percent", ev.Percent, "msg", ev.Message)
	w.WriteHeader(http.StatusNoContent)
}

func (a *Agent) result(w http.ResponseWriter, r *http.Request) {
	tok, log, ok := a.start(w, r)
	if !ok {
		return
	}
	var res plan.Result
	if err := decodeJSON(w, r, limitResult, &res); err != nil {
		fail(w, r, log, "agent: bad result", err)
		return
	}
	mac, st, err := a.Store.Finish(tok, res)
	log = withMAC(r, log, mac)
	if err != nil {
		fail(w, r, log, "agent: result refused", err)
		return
	}
	log.Info("agent: result", "ok", res.OK, "stage", res.Stage, "error", res.Error, "state", st.State, "seconds", res.Seconds)
	if a.Observer != nil {
		a.Observer.Finished(st.Mode, st.State)
	}
	writeJSON(w, http.StatusOK, st)
}

func (a *Agent) facts(w http.ResponseWriter, r *http.Request) {
	tok, log, ok := a.start(w, r)
	if !ok {
		return
	}
	var f plan.Facts
	if err := decodeJSON(w, r, limitFacts, &f); err != nil {
		fail(w, r, log, "agent: bad facts", err)
		return
	}
	mac, err := a.Store.Facts(tok, f)
	log = withMAC(r, log, mac)
	if err != nil {
		fail(w, r, log, "agent: facts refused", err)
		return
	}
	log.Info("agent: facts", "serial", f.Serial, "disks", len(f.Disks), "nics", len(f.NICs))
	w.WriteHeader(http.StatusNoContent)
}

func (a *Agent) unlock(w http.ResponseWriter, r *http.Request) {
	tok, log, ok := a.start(w, r)
	if !ok {
		return
	}
	mac, key, err := a.Store.Unlock(tok)
	log = withMAC(r, log, mac)
	if err != nil {
		fail(w, r, log, "agent: unlock refused", err)
		return
	}
	log.Info("agent: unlock key handed out")
	writeSecret(w, key)
}

func (a *Agent) booted(w http.ResponseWriter, r *http.Request) {
	tok, log, ok := a.start(w, r)
	if !ok {
		return
	}
	var ev plan.Event
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, limitEvent, &ev); err != nil {
			fail(w, r, log, "agent: bad booted event", err)
			return
		}
	}
	mac, err := a.Store.Booted(tok, ev)
	log = withMAC(r, log, mac)
	if err != nil {
		fail(w, r, log, "agent: booted refused", err)
		return
	}
	log.Info("agent: booted from disk")
	w.WriteHeader(http.StatusNoContent)
}

// writeSecret answers a key, raw, never cached.
func writeSecret(w http.ResponseWriter, key string) {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(key))
}
