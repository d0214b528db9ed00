package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/racksmith/racksmith/images/agent/diskplan"
	"github.com/racksmith/racksmith/pxe/plan"
)

// The keyslots the agent adds after luksFormat: the recovery passphrase
// (plan.Encryption.Recovery) and the Clevis binding to the plan's Tang
// servers (key source tang). Both are done by the real tools, cryptsetup
// and clevis, with every secret on standard input.

// checkKeySource refuses, before any disk is touched, an encryption the
// agent cannot build: an unknown key source, Tang without servers or
// with thumbprints that do not pair with the URLs (all or none).
func checkKeySource(e plan.Encryption) error {
	switch e.KeySource {
	case "", "bootserver":
		return nil
	case "tang":
		if len(e.Tang) == 0 {
			return fmt.Errorf("key source tang without Tang servers")
		}
		if len(e.TangThumbprints) != 0 && len(e.TangThumbprints) != len(e.Tang) {
			return fmt.Errorf("key source tang: %d thumbprints for %d Tang servers", len(e.TangThumbprints), len(e.Tang))
		}
		for _, thp := range e.TangThumbprints {
			if thp == "" {
				// clevis -y would then skip the check of the others too
				return fmt.Errorf("key source tang: a thumbprint for every Tang server or for none")
			}
		}
		_, _, err := clevisPin(e)
		return err
	default:
		return fmt.Errorf("%w: key source %q", ErrNotImplemented, e.KeySource)
	}
}

// addRecoveryKeyslot adds the recovery passphrase as a keyslot of the
// LUKS2 volume on dev, derived as the plan says. cryptsetup reads the
// existing passphrase and then the new one from standard input, one line
// each (neither may hold a newline).
func (a *Agent) addRecoveryKeyslot(ctx context.Context, e plan.Encryption, dev string, key, recovery []byte) error {
	if bytes.ContainsAny(key, "\n") || bytes.ContainsAny(recovery, "\n") || len(recovery) == 0 {
		return fail(plan.StageLUKS, fmt.Errorf("recovery keyslot: the key and the recovery passphrase must be one non-empty line each"))
	}
	stdin := make([]byte, 0, len(key)+len(recovery)+2)
	stdin = append(append(append(append(stdin, key...), '\n'), recovery...), '\n')
	defer clear(stdin)
	argv := append([]string{"cryptsetup", "luksAddKey", "--batch-mode"}, diskplan.PBKDFArgs(e)...)
	_, err := a.Runner.Run(ctx, diskplan.Step{Stage: plan.StageLUKS, Argv: append(argv, dev), Stdin: diskplan.StdinKey}, stdin)
	return err
}

// clevisPin is the clevis pin and its JSON configuration for the plan's
// Tang servers: pin tang for one, pin sss with threshold 1 over several
// (any one of them unlocks). A server with a thumbprint gets it as "thp":
// clevis then checks its advertisement's signing key against it.
func clevisPin(e plan.Encryption) (string, string, error) {
	type tang struct {
		URL string `json:"url"`
		Thp string `json:"thp,omitempty"`
	}
	var pins []tang
	for i, u := range e.Tang {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return "", "", fmt.Errorf("tang server %q is not an http(s) URL", u)
		}
		t := tang{URL: strings.TrimRight(u, "/")}
		if i < len(e.TangThumbprints) {
			t.Thp = e.TangThumbprints[i]
		}
		pins = append(pins, t)
	}
	if len(pins) == 1 {
		b, err := json.Marshal(pins[0])
		return "tang", string(b), err
	}
	b, err := json.Marshal(map[string]any{"t": 1, "pins": map[string]any{"tang": pins}})
	return "sss", string(b), err
}

// trustFirstUse tells whether the plan gives no thumbprints: clevis -y then
// trusts the advertisements it gets at bind time. With thumbprints (one per
// server, checkKeySource) clevis fetches the advertisement each signing key
// signed and checks it.
func trustFirstUse(e plan.Encryption) bool { return len(e.TangThumbprints) == 0 }

// checkTang asks every Tang server for its advertisement before the disks
// are touched, so an unreachable one fails the install at the plan stage.
func (a *Agent) checkTang(ctx context.Context, e plan.Encryption) error {
	c := &http.Client{Timeout: 15 * time.Second}
	for _, u := range e.Tang {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(u, "/")+"/adv", nil)
		if err != nil {
			return fmt.Errorf("tang server %s: %w", u, err)
		}
		resp, err := c.Do(req)
		if err != nil {
			return fmt.Errorf("tang server %s: %w", u, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("tang server %s: advertisement: %s", u, resp.Status)
		}
	}
	return nil
}

// bindTang binds the LUKS2 volume on dev to the plan's Tang servers with
// `clevis luks bind` (a new keyslot whose passphrase only the Tang
// exchange recovers, its JWE in a LUKS2 token). The existing key goes on
// standard input (-k -).
func (a *Agent) bindTang(ctx context.Context, e plan.Encryption, dev string, key []byte) error {
	pin, cfg, err := clevisPin(e)
	if err != nil {
		return fail(plan.StageLUKS, err)
	}
	argv := []string{"clevis", "luks", "bind", "-k", "-", "-d", dev}
	if trustFirstUse(e) {
		argv = append(argv, "-y")
	}
	_, err = a.Runner.Run(ctx, diskplan.Step{Stage: plan.StageLUKS, Argv: append(argv, pin, cfg), Stdin: diskplan.StdinKey}, key)
	return err
}

// unlockTang opens the LUKS2 volume on dev as name through its Clevis
// binding: clevis asks the Tang servers; no key passes through the agent.
func (a *Agent) unlockTang(ctx context.Context, dev, name string) error {
	out, err := a.run(ctx, "boot", "clevis", "luks", "unlock", "-d", dev, "-n", name)
	if err != nil {
		// clevis says which Tang server it could not reach (no secret)
		return fmt.Errorf("%w: %s", err, strings.Join(strings.Fields(tail(out, 600)), " "))
	}
	return nil
}
