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

	mu    sync.Mutex
	boots []Boot
	keys  []string
	errs  []error
}

// Boot is one PXE boot the host did.
type Boot struct {
	Mode   string // install, wipe, local, none
	Result *plan.Result
}

var cmdlineArg = regexp.MustCompile(`racksmith\.(token|mode)=(\S+)`)

// Run watches the BMC until ctx ends. Start it with go.
func (h *Host) Run(ctx context.Context) {
	seen := 0
	for ctx.Err() == nil {
		calls := h.BMC.SetCalls()
		for ; seen < len(calls); seen++ {
			if calls[seen] != "set power 1" || !pxeBefore(calls[:seen]) {
				continue
			}
			h.boot(ctx)
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// pxeBefore tells whether the last boot device set before now is pxe.
func pxeBefore(calls []string) bool {
	for i := len(calls) - 1; i >= 0; i-- {
		if strings.HasPrefix(calls[i], "set boot ") {
			return calls[i] == "set boot pxe"
		}
	}
	return false
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
