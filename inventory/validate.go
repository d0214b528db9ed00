package inventory

import (
	"github.com/hashicorp/hcl/v2"
)

// Validate checks an inventory's consistency: references, uniqueness of
// names, MACs, serials and addresses, rack space, PDU outlets, storage
// layouts and encryption, addressing, and that every role is carried. Every
// diagnostic points at the offending attribute. It does not analyse
// failure domains or power: see Analyze.
func Validate(inv *Inventory) hcl.Diagnostics {
	ix := newIndex(inv)
	var diags hcl.Diagnostics
	diags = append(diags, checkNames(inv)...)
	diags = append(diags, checkSites(inv)...)
	diags = append(diags, checkPower(inv, ix)...)
	diags = append(diags, checkServerRefs(inv, ix)...)
	diags = append(diags, checkUnique(inv)...)
	diags = append(diags, checkRackSpace(inv, ix)...)
	diags = append(diags, checkOutlets(inv, ix)...)
	diags = append(diags, checkStorage(inv)...)
	diags = append(diags, checkFirmware(inv)...)
	diags = append(diags, checkRoles(inv, ix)...)
	return diags
}

// checkFirmware checks each server's firmware attribute.
func checkFirmware(inv *Inventory) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, s := range inv.Servers {
		if s.Firmware != FirmwareBIOS && s.Firmware != FirmwareUEFI {
			diags = append(diags, errorAt(s.Attrs.Of("firmware", s.DeclRange), `Invalid value for "firmware"`,
				"server %q: firmware must be %q or %q, not %q.", s.Name, FirmwareBIOS, FirmwareUEFI, s.Firmware))
		}
	}
	return diags
}
