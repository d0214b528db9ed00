package testbed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/racksmith/racksmith/pxe/plan"
)

// Outcome is what the simulated installer does in one boot.
type Outcome struct {
	FailStage string        // non-empty: report failure at this stage
	Hang      bool          // fetch the plan, report a stage, never finish
	Delay     time.Duration // time between the plan fetch and the result
}

// Host is a simulated server: each time its BMC powers it on ("set power 1")
// after a one-time PXE boot was set, it fetches its iPXE script from the
// boot server and, for an install or wipe script, does what the installer
// agent does over HTTP.
type Host struct {
	MAC  string
	BMC  *BMC
	Boot *BootServer
	// Next decides each boot's outcome by mode ("install", "wipe"); nil: success.
	Next func(mode string) Outcome

	mu     sync.Mutex
	boots  []Boot
	keys   []string
	errs   []error
	unlock string // the unlock token of its last good install ("" when none or wiped)
}

// Boot is one boot the host did: a PXE boot, or ("disk") a power-on or
// reset without a one-time PXE boot set, from its disks.
type Boot struct {
	Mode      string // install, wipe, local, none, disk
	Result    *plan.Result
	Delivered *plan.Delivery // at a boot from disk: what its initramfs laid down
}

var cmdlineArg = regexp.MustCompile(`racksmith\.(token|mode)=(\S+)`)

// Run watches the BMC until ctx ends. Start it with go. A power-on or
// reset after a one-time PXE boot was set boots from the network (once);
// any other one boots from the disks.
func (h *Host) Run(ctx context.Context) {
	seen, pxe := 0, false
	for ctx.Err() == nil {
		calls := h.BMC.SetCalls()
		for ; seen < len(calls); seen++ {
			switch c := calls[seen]; {
			case strings.HasPrefix(c, "set boot "):
				pxe = c == "set boot pxe"
			case c == "set power 1" || c == "set reset 1":
				if pxe {
					pxe = false
					h.boot(ctx)
				} else {
					h.diskBoot(ctx)
				}
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// diskBoot is an installed host's boot from its disks, as its initramfs
// does it: unlock, take the boot plan, report the files laid down, then
// (the OS) report booted. A host with no install does nothing.
func (h *Host) diskBoot(ctx context.Context) {
	h.mu.Lock()
	tok := h.unlock
	h.mu.Unlock()
	b := Boot{Mode: "disk"}
	if tok != "" {
		d, err := h.initramfs(ctx, tok)
		if err != nil {
			h.fail(err)
		}
		b.Delivered = d
	}
	h.mu.Lock()
	h.boots = append(h.boots, b)
	h.mu.Unlock()
}

func (h *Host) initramfs(ctx context.Context, tok string) (*plan.Delivery, error) {
	if _, err := h.get(ctx, "/api/v1/agent/unlock", tok, struct{}{}); err != nil {
		return nil, err
	}
	raw, err := h.get(ctx, "/api/v1/agent/boot-plan", tok, nil)
	if err != nil {
		return nil, err
	}
	var bp plan.BootPlan
	if err := json.Unmarshal(raw, &bp); err != nil {
		return nil, fmt.Errorf("decode boot plan: %w", err)
	}
	d := plan.Delivery{Hostname: bp.Hostname, FileSums: map[string]string{}, Removed: bp.Remove, Time: time.Now().UTC()}
	for _, f := range bp.Files {
		d.FileSums[f.Path] = f.SHA256
	}
	if _, err := h.get(ctx, "/api/v1/agent/delivered", tok, d); err != nil {
		return nil, err
	}
	if _, err := h.get(ctx, "/api/v1/agent/booted", tok, plan.Event{MAC: h.MAC, Stage: plan.StageBooted}); err != nil {
		return nil, err
	}
	return &d, nil
}

func (h *Host) boot(ctx context.Context) {
	script, err := h.get(ctx, "/boot/"+h.MAC+".ipxe", "", nil)
	if err != nil {
		h.fail(err)
		return
	}
	args := map[string]string{}
	for _, m := range cmdlineArg.FindAllStringSubmatch(string(script), -1) {
		args[m[1]] = m[2]
	}
	b := Boot{Mode: args["mode"]}
	switch {
	case b.Mode == "" && strings.Contains(string(script), "boots from its disk"):
		b.Mode = "local"
	case b.Mode == "":
		b.Mode = "none"
	case b.Mode == "install" || b.Mode == "wipe":
		res, err := h.agent(ctx, b.Mode, args["token"])
		if err != nil {
			h.fail(err)
		}
		b.Result = res
	}
	h.mu.Lock()
	h.boots = append(h.boots, b)
	h.mu.Unlock()
}

// agent is the installer's side of one install or wipe.
func (h *Host) agent(ctx context.Context, mode, tok string) (*plan.Result, error) {
	out := Outcome{}
	if h.Next != nil {
		out = h.Next(mode)
	}
	var pl plan.Plan
	if mode == "install" {
		raw, err := h.get(ctx, "/api/v1/agent/plan", tok, nil)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &pl); err != nil {
			return nil, fmt.Errorf("decode plan: %w", err)
		}
		key, err := h.get(ctx, "/api/v1/agent/key", tok, nil)
		if err != nil {
			return nil, err
		}
		h.mu.Lock()
		h.keys = append(h.keys, string(key))
		h.mu.Unlock()
	}
	stage := plan.StageRAID
	if mode == "wipe" {
		stage = plan.StageWipe
	}
	ev := plan.Event{MAC: h.MAC, Stage: stage, Percent: 40, Message: "working", Time: time.Now()}
	if _, err := h.get(ctx, "/api/v1/agent/events", tok, ev); err != nil {
		return nil, err
	}
	if out.Hang {
		return nil, nil
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(out.Delay):
	}
	res := plan.Result{MAC: h.MAC, Mode: plan.Mode(mode), OK: true, Stage: plan.StageDone, Seconds: 1.5, Time: time.Now().UTC()}
	if out.FailStage != "" {
		res.OK, res.Stage, res.Error = false, out.FailStage, "simulated failure at "+out.FailStage
	} else if mode == "install" {
		res.ArrayUUIDs = map[string]string{"boot": "11111111:22222222:33333333:44444444", "root": "55555555:66666666:77777777:88888888"}
		res.LUKSUUID = "0e6f8a52-3b1c-4c55-9a7e-2f1d2c3b4a5f"
		res.Image = pl.Image.Name
		res.FileSums = map[string]string{}
		for _, f := range pl.Files {
			res.FileSums[f.Path] = f.SHA256
		}
	}
	if _, err := h.get(ctx, "/api/v1/agent/result", tok, res); err != nil {
		return nil, err
	}
	h.mu.Lock()
	switch {
	case mode == "install" && res.OK:
		h.unlock = pl.Unlock.Token
	case mode == "wipe":
		h.unlock = ""
	}
	h.mu.Unlock()
	if mode == "wipe" || (res.OK && pl.After == "poweroff") {
		h.BMC.SetOn(false)
	}
	return &res, nil
}

// get sends GET (body nil) or POST (body as JSON) with an optional bearer token.
func (h *Host) get(ctx context.Context, path, tok string, body any) ([]byte, error) {
	method, rd := http.MethodGet, io.Reader(nil)
	if body != nil {
		b, _ := json.Marshal(body)
		method, rd = http.MethodPost, bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.Boot.URL+path, rd)
	if err != nil {
		return nil, err
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, raw)
	}
	return raw, nil
}

func (h *Host) fail(err error) {
	h.mu.Lock()
	h.errs = append(h.errs, err)
	h.mu.Unlock()
}

// Boots returns the boots so far.
func (h *Host) Boots() []Boot {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Boot(nil), h.boots...)
}

// Keys returns the LUKS keys the installer fetched, in order.
func (h *Host) Keys() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.keys...)
}

// Errors returns what went wrong on the host's side.
func (h *Host) Errors() []error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]error(nil), h.errs...)
}
