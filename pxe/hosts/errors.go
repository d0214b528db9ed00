package hosts

import "errors"

// Errors Build reports, wrapped with the file:line and field at fault.
var (
	ErrNoInventory       = errors.New("no inventory")
	ErrUnknownSite       = errors.New("unknown site")
	ErrNotIPv4           = errors.New("not an IPv4 address")
	ErrBootURL           = errors.New("boot URL must start with http:// or https://")
	ErrNoProvisioningNIC = errors.New("no nic with purpose \"provisioning\"")
	ErrBadMAC            = errors.New("invalid 48-bit MAC address")
	ErrDuplicateMAC      = errors.New("duplicate MAC")
	ErrOutsideNetwork    = errors.New("address outside the site's provisioning network")
	ErrAddressInUse      = errors.New("address already in use")
)
