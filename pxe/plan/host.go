package plan

import "time"

// Install states of a host at the boot server.
const (
	StatePending    = "pending"     // intent registered, host not booted yet
	StateInstalling = "installing"  // installer fetched its plan
	StateInstalled  = "installed"   // result ok; next boot is local
	StateFailed     = "failed"      // result not ok
	StateWiped      = "wiped"       // wipe finished
	StateQuarantine = "quarantined" // wipe failed: keep the host out of service
	StateDiscovered = "discovered"  // unknown host reported its facts
	StateBooted     = "booted"      // installed host reported booting from disk
)

// Intent is what the provider asks of the boot server for one host
// (PUT /api/v1/hosts/{mac}). The Key is the LUKS passphrase, handed to the
// installer once and kept sealed by the boot server for unlocking at boot.
type Intent struct {
	Mode Mode   `json:"mode"`
	Plan *Plan  `json:"plan,omitempty"`
	Key  string `json:"key,omitempty"` // secret: never logged, never returned
	// RecoveryKey is the recovery passphrase (plan.Encryption.Recovery):
	// sealed like Key, handed to the installer once for a second keyslot,
	// then dropped by the boot server (its escrow is the provider's state).
	RecoveryKey string `json:"recovery_key,omitempty"` // secret
}

// Status is what the boot server knows of a host (GET /api/v1/hosts/{mac}).
type Status struct {
	MAC       string    `json:"mac"`
	Hostname  string    `json:"hostname,omitempty"`
	Mode      Mode      `json:"mode"`
	State     string    `json:"state"`
	Stage     string    `json:"stage,omitempty"`
	Percent   int       `json:"percent,omitempty"`
	Events    []Event   `json:"events,omitempty"`
	Result    *Result   `json:"result,omitempty"`
	Facts     *Facts    `json:"facts,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	// PlanHash identifies the intent the boot server holds (mode, plan and
	// key digest): a PUT with the same hash changes nothing.
	PlanHash string `json:"plan_hash,omitempty"`
	// Delivered is the last set of role files an installed host's
	// initramfs laid into its root at a boot from disk (nil: none since the
	// current intent was registered).
	Delivered *Delivery `json:"delivered,omitempty"`
}

// BootPlan is what an installed host's initramfs lays into its root at a
// boot from disk (GET /api/v1/agent/boot-plan with the unlock token): the
// hostname and role files of the boot server's current plan, and the role
// files on its disk the plan no longer has (to remove).
type BootPlan struct {
	Hostname string   `json:"hostname"`
	Network  Network  `json:"network"`
	Files    []File   `json:"files,omitempty"`
	Remove   []string `json:"remove,omitempty"`
}

// Delivery is what the initramfs reports after laying a BootPlan down
// (POST /api/v1/agent/delivered with the unlock token).
type Delivery struct {
	Hostname string            `json:"hostname,omitempty"`
	FileSums map[string]string `json:"file_sums"` // path -> sha256 hex, as read back
	Removed  []string          `json:"removed,omitempty"`
	Time     time.Time         `json:"time"`
}
