package api

import (
	"net/http"

	"github.com/racksmith/racksmith/pxe/plan"
)

// bootPlan hands an installed host's initramfs (unlock token) the hostname
// and role files to lay into its root before it starts.
func (a *Agent) bootPlan(w http.ResponseWriter, r *http.Request) {
	tok, log, ok := a.start(w, r)
	if !ok {
		return
	}
	mac, bp, err := a.Store.BootPlan(tok)
	log = withMAC(r, log, mac)
	if err != nil {
		fail(w, r, log, "agent: boot plan refused", err)
		return
	}
	log.Info("agent: boot plan handed out", "hostname", bp.Hostname, "files", len(bp.Files), "remove", len(bp.Remove))
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, bp)
}

// delivered records what the initramfs laid down.
func (a *Agent) delivered(w http.ResponseWriter, r *http.Request) {
	tok, log, ok := a.start(w, r)
	if !ok {
		return
	}
	var d plan.Delivery
	if err := decodeJSON(w, r, limitDelivery, &d); err != nil {
		fail(w, r, log, "agent: bad delivery report", err)
		return
	}
	mac, err := a.Store.Delivered(tok, d)
	log = withMAC(r, log, mac)
	if err != nil {
		fail(w, r, log, "agent: delivery report refused", err)
		return
	}
	log.Info("agent: role files delivered at boot", "files", len(d.FileSums), "removed", len(d.Removed))
	w.WriteHeader(http.StatusNoContent)
}
